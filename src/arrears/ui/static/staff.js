// Keyboard shortcuts for staff pages. Any element with data-key="x" is clicked (or focused, for
// form fields) when x is pressed outside a text field; "?" lists the page's shortcuts.
(function () {
  "use strict";
  function typing(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  function shortcuts() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-key]"));
  }
  function showHelp() {
    var dialog = document.getElementById("shortcuts");
    var list = document.getElementById("shortcut-list");
    if (!dialog || !list || typeof dialog.showModal !== "function") { return; }
    list.textContent = "";
    shortcuts().forEach(function (el) {
      var dt = document.createElement("dt");
      var kbd = document.createElement("kbd");
      kbd.textContent = el.getAttribute("data-key");
      dt.appendChild(kbd);
      var dd = document.createElement("dd");
      dd.textContent = el.getAttribute("title") || el.textContent.trim();
      list.appendChild(dt);
      list.appendChild(dd);
    });
    dialog.showModal();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "?") { event.preventDefault(); showHelp(); return; }
    var match = shortcuts().filter(function (el) { return el.getAttribute("data-key") === event.key; })[0];
    if (!match) { return; }
    event.preventDefault();
    var tag = match.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { match.focus(); } else { match.click(); }
  });
  // Forms that ask for confirmation: data-confirm="text" on the submit button.
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
}());
