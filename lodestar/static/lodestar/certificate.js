// The certificate's "Print or save as PDF" button (the CSP forbids inline scripts).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
