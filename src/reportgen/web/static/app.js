// 报送平台: small helpers on top of plain HTML forms; every page works without them.
(function () {
  "use strict";

  // 复制 buttons beside a link field
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var scope = button.closest("details") || button.parentElement;
      var input = scope.querySelector("textarea, input");
      var label = button.textContent;
      input.select();
      var done = function () { button.textContent = "已复制"; setTimeout(function () { button.textContent = label; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var button = e.submitter;
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });

  // an upload takes a few seconds: say so, and stop a second click
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button");
      button.disabled = true;
      button.textContent = "正在上传并校验……";
    });
  });

  // the office page: reload when an upload arrives or is decided (asked every 10 s), unless someone is typing
  // or has a 催报 message open
  var watch = document.querySelector("[data-changes]");
  if (watch) {
    var check = function () {
      fetch(watch.getAttribute("data-changes"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          var busy = document.querySelector("details[open]") || (document.activeElement && /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName));
          if (s && s.key !== watch.getAttribute("data-key") && !busy) window.location.reload();
          else setTimeout(check, 10000);
        })
        .catch(function () { setTimeout(check, 30000); });
    };
    setTimeout(check, 10000);
  }

  // build progress: ask the server every second while a build runs, then reload the page
  var box = document.querySelector("[data-progress]");
  if (box && box.getAttribute("data-state") === "running") {
    var bar = box.querySelector("progress");
    var text = box.querySelector(".progress-text");
    var poll = function () {
      fetch(box.getAttribute("data-progress"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (bar) { bar.max = s.steps; bar.value = s.step; }
          if (text) text.textContent = (s.state === "running" ? "正在生成：" + s.message + "（" + s.step + "/" + s.steps + "）" : s.message);
          if (s.state === "running") setTimeout(poll, 1000);
          else window.location.reload();
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 1000);
  }
})();
