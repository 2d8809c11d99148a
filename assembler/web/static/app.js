// zujuan workbench: poll a running job and update its progress bar; reload when it ends.
"use strict";
// A level picker offers only the directions that level has (none for 二级、一级).
function syncDirections(level) {
  var scope = level.closest("tr") || level.form || document;
  var dir = scope.querySelector("select[name=direction], select[name=e_direction]");
  if (!dir) return;
  var opt = level.options[level.selectedIndex];
  var valid = (opt && opt.getAttribute("data-directions") || "").split(" ").filter(Boolean);
  Array.prototype.forEach.call(dir.options, function (o) {
    o.disabled = o.value === "" ? valid.length > 0 : valid.indexOf(o.value) < 0;
  });
  if (dir.options[dir.selectedIndex].disabled) {
    dir.value = valid.length ? valid[0] : "";
  }
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-level-picker]").forEach(function (level) {
    level.addEventListener("change", function () { syncDirections(level); });
    syncDirections(level);
  });
});

document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-job-status]");
  if (!box) return;
  var url = box.getAttribute("data-job-status");
  var bar = box.querySelector("progress");
  var text = box.querySelector(".job-message");
  function poll() {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      if (bar && s.total) { bar.max = s.total; bar.value = s.done; }
      if (text) text.textContent = s.state_label + (s.message ? "：" + s.message : "");
      if (s.state === "done" || s.state === "failed") { window.location.reload(); }
      else { window.setTimeout(poll, 500); }
    }).catch(function () { window.setTimeout(poll, 1500); });
  }
  poll();
});
