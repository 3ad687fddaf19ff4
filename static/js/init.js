// Start GOV.UK Frontend's components (error summary focus, character count, navigation toggle…).
// The UMD bundle exposes window.GOVUKFrontend; kept as a file so the CSP needs no inline script.
if (window.GOVUKFrontend) {
  window.GOVUKFrontend.initAll();
}
