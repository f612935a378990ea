// PDF and Excel buttons (a[data-download]): show that the file is being generated, refuse a
// second click meanwhile, and explain a failure on the page. Without JavaScript they are
// ordinary links.
(function () {
  "use strict";

  var FILE_TYPES = /application\/(pdf|vnd\.openxmlformats|vnd\.ms-excel|octet-stream)/;

  function filenameFrom(header, fallback) {
    if (!header) return fallback;
    var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (star) {
      try {
        return decodeURIComponent(star[1]);
      } catch (e) {
        /* fall through */
      }
    }
    var plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  // The server's own words: the page's error messages, else its heading and first paragraph.
  function messageFrom(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var errors = doc.querySelectorAll(".messages .msg-error, .alert-error");
    if (errors.length) {
      return Array.prototype.map.call(errors, function (el) {
        return el.textContent.trim();
      }).join(" ");
    }
    var heading = doc.querySelector("main h1");
    var para = doc.querySelector("main p");
    return [heading && heading.textContent.trim(), para && para.textContent.trim()]
      .filter(Boolean)
      .join("：");
  }

  function showMessage(button, text) {
    var main = document.getElementById("main") || document.body;
    var list = main.querySelector("ul.messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      list.setAttribute("role", "status");
      main.insertBefore(list, main.firstChild);
    }
    var item = document.createElement("li");
    item.className = "msg msg-error";
    item.setAttribute("role", "alert");
    item.setAttribute("data-testid", "download-error");
    item.textContent = text || button.getAttribute("data-error-label");
    list.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function setBusy(button, busy) {
    if (busy) {
      button.setAttribute("data-label", button.textContent);
      button.textContent = button.getAttribute("data-busy-label");
      button.setAttribute("aria-disabled", "true");
      button.setAttribute("aria-busy", "true");
      button.classList.add("is-busy");
    } else {
      button.textContent = button.getAttribute("data-label");
      button.removeAttribute("aria-disabled");
      button.removeAttribute("aria-busy");
      button.classList.remove("is-busy");
    }
  }

  function save(blob, filename) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 60000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("a[data-download]");
    if (!button || !window.fetch || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    download(button, button.href);
  });

  // A GET form that produces a file (the monthly workbook): its submit button is the button.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-download") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    var query = new URLSearchParams(new FormData(form)).toString();
    download(button, form.action + (query ? "?" + query : ""), form.getAttribute("data-download"));
  });

  function download(button, url, name) {
    if (button.getAttribute("aria-disabled") === "true") return;
    setBusy(button, true);
    if (button.tagName === "BUTTON") button.disabled = true;
    var fallbackName = name || button.getAttribute("data-download") || "download";
    fetch(url, { credentials: "same-origin", headers: { Accept: "*/*" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        // A large file is made in the background: the server sent us to its progress page.
        if (response.ok && response.redirected && type.indexOf("html") >= 0) {
          window.location.assign(response.url);
          return null;
        }
        if (response.ok && FILE_TYPES.test(type)) {
          var name = filenameFrom(response.headers.get("Content-Disposition"), fallbackName);
          return response.blob().then(function (blob) {
            save(blob, name);
          });
        }
        return response.text().then(function (body) {
          showMessage(button, type.indexOf("html") >= 0 ? messageFrom(body) : body.trim());
        });
      })
      .catch(function () {
        showMessage(button, button.getAttribute("data-error-label"));
      })
      .then(function () {
        setBusy(button, false);
        if (button.tagName === "BUTTON") button.disabled = false;
      });
  }
})();
