// /verify/: check again, in the reader's browser, what the server said it verified —
// the record's SHA-256, its Ed25519 signature with the office's published key (WebCrypto),
// the key's revocation time, and the pasted text against the record's body — so the
// reader need not trust the server. Without JavaScript the server's check stands.
(function () {
  "use strict";

  function bytes(base64) {
    const raw = atob(base64.trim());
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i += 1) out[i] = raw.charCodeAt(i);
    return out;
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function collapse(text) {
    return text.normalize("NFC").replace(/\s+/gu, " ").trim();
  }

  async function check(article, messages) {
    const [record, signature, keys] = await Promise.all([
      fetch(article.dataset.record).then((r) => r.arrayBuffer()),
      fetch(article.dataset.signature).then((r) => r.text()),
      fetch(article.dataset.keys).then((r) => r.json()),
    ]);
    const digest = hex(await crypto.subtle.digest("SHA-256", record));
    const fields = JSON.parse(new TextDecoder().decode(record));
    const key = keys.keys.find((k) => k.key_id === fields.key_id);
    if (!key || digest !== article.dataset.sha256) return [false];
    if (key.revoked_at && fields.created_at >= key.revoked_at) return [false];
    const publicKey = await crypto.subtle.importKey("raw", bytes(key.public_key), { name: "Ed25519" }, false, ["verify"]);
    const valid = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, bytes(signature), record);
    const pasted = document.getElementById("verify-text");
    const text = pasted && pasted.value.trim() && !/\/api\/editions\/|^[0-9a-f-]{36}\/\d+/i.test(pasted.value.trim())
      ? collapse(pasted.value) : null;
    return [valid, text === null ? null : text === collapse(fields.body)];
  }

  document.addEventListener("DOMContentLoaded", () => {
    const section = document.querySelector("[data-ok]");
    if (!section) return;
    section.querySelectorAll("article[data-record]").forEach((article) => {
      const status = article.querySelector(".verify-browser");
      check(article, section.dataset)
        .then(([valid, textMatches]) => {
          let message = valid ? section.dataset.ok : section.dataset.bad;
          if (valid && textMatches !== null) {
            message += " " + (textMatches ? section.dataset.textOk : section.dataset.textBad);
          }
          status.textContent = message;
          status.dataset.browserCheck = valid ? "valid" : "invalid";
        })
        .catch(() => {
          status.textContent = section.dataset.unsupported;
          status.dataset.browserCheck = "unsupported";
        });
    });
  });
})();
