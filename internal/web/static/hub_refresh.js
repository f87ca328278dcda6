// The administrators' hub page: while an import runs, reload the page
// every 5 seconds so its progress shows, unless the administrator unticks
// "update automatically" (remembered for this tab). The page itself says
// whether an import runs; once none does, it stops.
(function () {
  "use strict";
  var key = "govhall-hub-auto-refresh";
  var box = document.getElementById("auto-refresh");
  var section = document.getElementById("hub-imports");
  if (!box || !section || section.getAttribute("data-running") !== "true") {
    return;
  }
  var timer = null;
  function arm() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (box.checked) {
      timer = setTimeout(function () { window.location.reload(); }, 5000);
    }
  }
  try { box.checked = window.sessionStorage.getItem(key) !== "off"; } catch (e) { /* storage off: default on */ }
  box.addEventListener("change", function () {
    try { window.sessionStorage.setItem(key, box.checked ? "on" : "off"); } catch (e) { /* ignore */ }
    arm();
  });
  arm();
})();
