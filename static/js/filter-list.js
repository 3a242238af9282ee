// Narrows a long checkbox list (the participants filter) as the reader types. The
// list works without it: the text box stays hidden and every checkbox is there.
for (const box of document.querySelectorAll("input[data-narrows]")) {
  const list = document.getElementById(box.dataset.narrows);
  for (const element of document.querySelectorAll(`.filter-find[hidden]`)) element.hidden = false;
  box.addEventListener("input", () => {
    const wanted = box.value.trim().toLocaleLowerCase();
    for (const label of list.querySelectorAll("label")) {
      const checked = label.querySelector("input").checked;
      label.hidden = wanted !== "" && !checked && !label.textContent.toLocaleLowerCase().includes(wanted);
    }
  });
}
