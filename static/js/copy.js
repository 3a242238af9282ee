// "Copy" buttons beside read-only addresses: copies the input named by data-copy.
// Without JavaScript the address is still there to select and copy by hand.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  event.preventDefault();
  const field = document.getElementById(button.dataset.copy);
  field.select();
  navigator.clipboard.writeText(field.value).then(
    () => { button.textContent = button.dataset.done; },
    () => { document.execCommand("copy"); button.textContent = button.dataset.done; },
  );
});
