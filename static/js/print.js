// Shows the "Print" buttons (hidden without JavaScript, where the browser's own print works).
document.querySelectorAll(".js-print").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
