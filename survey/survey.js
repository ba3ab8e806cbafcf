// The survey page's only script (served from /static, allowed by the Content-Security-Policy, no inline code).
// It adds what plain HTML forms cannot: the arrow keys choose a picture, and a choice is sent once (a double click
// sends nothing more; the server would answer a second POST the same way anyway).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("choice");
  if (!form) return;
  let sent = false;
  form.addEventListener("submit", (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    form.classList.add("sending");
  });
  // Coming back with the browser's Back button restores the page as it was left: allow a choice again.
  window.addEventListener("pageshow", () => {
    sent = false;
    form.classList.remove("sending");
  });
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const side = event.key === "ArrowLeft" ? "left" : event.key === "ArrowRight" ? "right" : null;
    if (side === null) return;
    event.preventDefault();
    document.getElementById(side).click();
  });
});
