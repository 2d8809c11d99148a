// zujuan workbench: poll a running job and update its progress bar; reload when it ends.
"use strict";
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
