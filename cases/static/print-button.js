// What is marked data-print is shown, and its button prints the page (the CSP allows no inline
// handlers). Without JavaScript it stays hidden, and the browser's own Print does the same.
document.querySelectorAll("[data-print]").forEach((element) => {
  element.hidden = false;
  element.querySelector("button").addEventListener("click", () => window.print());
});
