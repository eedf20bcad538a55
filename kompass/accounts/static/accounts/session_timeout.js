/* Warns two minutes before the browser session ends (docs/security.md A4).
 *
 * base.html puts on <body>: data-session-left (seconds until the end), data-session-idle (the idle
 * timeout), data-session-warn (seconds of warning) and data-session-keepalive (URL); the CSRF token
 * is the one of the logout form in the header (a token in an attribute would make every page differ
 * from the next, which tests of equal answers notice). The warning is a KERN alert (role="alert") cloned from
 * <template id="kk-session-warning"> at the top of <main>; focus moves to its button
 * "Angemeldet bleiben" and returns where it was once the session is renewed. Without script the
 * server still ends the session; nothing here is needed for that.
 */
(function () {
  "use strict";

  var body = document.body;
  var data = body && body.dataset;
  if (!data || !data.sessionLeft || !data.sessionKeepalive) {
    return;
  }
  var idle = parseInt(data.sessionIdle, 10);
  var warn = parseInt(data.sessionWarn, 10);
  var timers = [];
  var alertBox = null;
  var returnFocus = null;

  function clearTimers() {
    timers.forEach(window.clearTimeout);
    timers = [];
  }

  function arm(secondsLeft) {
    clearTimers();
    // At the end the server has logged the session out: a reload shows the login with the reason.
    timers.push(window.setTimeout(function () { window.location.reload(); }, (secondsLeft + 1) * 1000));
    timers.push(window.setTimeout(function () { show(secondsLeft > warn ? "idle" : "lifetime"); },
      Math.max(0, secondsLeft - warn) * 1000));
  }

  function showText(box, which) {
    box.querySelectorAll("[data-session-text]").forEach(function (p) {
      p.hidden = p.getAttribute("data-session-text") !== which;
    });
  }

  function show(which) {
    if (!alertBox) {
      var template = document.getElementById("kk-session-warning");
      var main = document.getElementById("inhalt");
      if (!template || !main) {
        return;
      }
      alertBox = template.content.firstElementChild.cloneNode(true);
      alertBox.querySelector("[data-session-keepalive]").addEventListener("click", keepAlive);
      returnFocus = document.activeElement;
      main.insertBefore(alertBox, main.firstChild);
    }
    showText(alertBox, which);
    var button = alertBox.querySelector("[data-session-keepalive]");
    button.hidden = which !== "idle";
    (button.hidden ? alertBox : button).focus();
  }

  function hide() {
    if (alertBox) {
      alertBox.remove();
      alertBox = null;
    }
    if (returnFocus && document.contains(returnFocus) && returnFocus !== document.body) {
      returnFocus.focus();
    } else {
      document.getElementById("inhalt").focus();
    }
    returnFocus = null;
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function keepAlive() {
    window.fetch(data.sessionKeepalive, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (answer) {
      if (answer.renewable) {
        hide();
        arm(answer.seconds_left);
      } else {
        show("lifetime");
        arm(answer.seconds_left);
      }
    }).catch(function () {
      if (alertBox) {
        showText(alertBox, "failed");
      }
    });
  }

  // Every page request and htmx request the person makes counts as activity on the server.
  document.addEventListener("htmx:afterRequest", function (event) {
    var headers = event.detail && event.detail.requestConfig && event.detail.requestConfig.headers;
    if (headers && headers["X-Kompass-Background"]) {
      return;
    }
    if (!alertBox) {
      arm(Math.max(0, idle - 60)); // the server stores activity at most once a minute
    }
  });

  arm(parseInt(data.sessionLeft, 10));
})();
