// Click-to-set focal point on the image change form. Without JavaScript the two
// number fields below the picture do the same job.
document.addEventListener("DOMContentLoaded", () => {
  const picture = document.querySelector("img[data-focal-picker]");
  const x = document.getElementById("id_focal_x");
  const y = document.getElementById("id_focal_y");
  if (!picture || !x || !y) return;
  const marker = picture.parentElement.querySelector(".focal-marker");
  const show = () => {
    if (x.value === "" || y.value === "") { marker.hidden = true; return; }
    marker.hidden = false;
    marker.style.left = `${parseFloat(x.value) * 100}%`;
    marker.style.top = `${parseFloat(y.value) * 100}%`;
  };
  picture.addEventListener("click", (event) => {
    const box = picture.getBoundingClientRect();
    x.value = ((event.clientX - box.left) / box.width).toFixed(3);
    y.value = ((event.clientY - box.top) / box.height).toFixed(3);
    show();
  });
  x.addEventListener("input", show);
  y.addEventListener("input", show);
  show();
});
