// Kommunalkompass form widgets (kompass/core/widgets.py): the search combobox and the German file field.
// Every form works without this file: the combobox is then a text field the server resolves, the
// file field a native file input with a German status.
(function () {
  "use strict";

  var DELAY_MS = 200;

  // The texts come from the template (data-text-*), so they are translated with the page.
  function text(root, key, n) {
    return (root.getAttribute("data-text-" + key) || "").replace("%s", String(n));
  }

  // --- combobox (WAI-ARIA APG: editable combobox with list autocomplete) -----------------------

  function Combobox(root) {
    this.root = root;
    this.input = root.querySelector("input[type=text]");
    this.hidden = root.querySelector("[data-kk-combobox-value]");
    this.list = root.querySelector("[role=listbox]");
    this.status = root.querySelector("[role=status]");
    this.url = root.getAttribute("data-search-url");
    this.minChars = parseInt(root.getAttribute("data-min-chars") || "2", 10);
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.request = 0;
    this.pickedLabel = this.hidden.value ? this.input.value : null;
    this.setup();
  }

  Combobox.prototype.setup = function () {
    var self = this, input = this.input, label = document.querySelector("label[for='" + input.id + "']");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    this.list.setAttribute("aria-label", label ? label.textContent.replace(/\s+/g, " ").trim() : input.name);
    input.addEventListener("input", function () { self.onInput(); });
    input.addEventListener("keydown", function (event) { self.onKey(event); });
    input.addEventListener("blur", function () { self.close(); });
    // A filter form updates on "change": only a picked or cleared value counts, not every keystroke.
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { self.pick(self.options.indexOf(option)); }
    });
  };

  Combobox.prototype.onInput = function () {
    var self = this;
    if (this.hidden.value && this.input.value !== this.pickedLabel) { this.setValue("", null); }
    window.clearTimeout(this.timer);
    if (this.input.value.trim().length < this.minChars) {
      this.request += 1; // an answer still under way is stale now
      this.render([], false);
      this.status.textContent = "";
      return;
    }
    this.timer = window.setTimeout(function () { self.search(); }, DELAY_MS);
  };

  Combobox.prototype.search = function () {
    var self = this, query = this.input.value.trim(), number = ++this.request;
    var url = this.url + (this.url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (number !== self.request) { return; } // a newer search is under way
        self.render(data.results, document.activeElement === self.input);
        var n = data.results.length;
        self.status.textContent = text(self.root, data.more ? "more" : n === 0 ? "none" : n === 1 ? "one" : "many", n);
      })
      .catch(function () {
        if (number === self.request) { self.render([], false); self.status.textContent = text(self.root, "error"); }
      });
  };

  Combobox.prototype.render = function (results, open) {
    var self = this;
    this.list.textContent = "";
    this.options = results.map(function (result, i) {
      var li = document.createElement("li"), name = document.createElement("span");
      li.id = self.list.id + "-" + i;
      li.className = "kk-combobox__option";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-value", String(result.id));
      li.setAttribute("data-label", result.label);
      name.className = "kk-combobox__name";
      name.textContent = result.name;
      li.appendChild(name);
      if (result.detail) {
        var detail = document.createElement("span");
        detail.className = "kk-combobox__detail";
        detail.textContent = result.detail;
        li.appendChild(detail);
      }
      self.list.appendChild(li);
      return li;
    });
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    if (open && this.options.length) { this.open(); } else { this.close(); }
  };

  Combobox.prototype.open = function () {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.highlight(-1);
  };

  Combobox.prototype.isOpen = function () { return !this.list.hidden; };

  Combobox.prototype.highlight = function (index) {
    this.options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    this.active = index;
    if (index < 0) { return; }
    var option = this.options[index];
    this.input.setAttribute("aria-activedescendant", option.id);
    if (option.scrollIntoView) { option.scrollIntoView({ block: "nearest" }); }
  };

  Combobox.prototype.move = function (step) {
    var n = this.options.length;
    if (!n) { return; }
    if (!this.isOpen()) { this.open(); }
    var next = this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n;
    this.highlight(next);
  };

  Combobox.prototype.onKey = function (event) {
    var open = this.isOpen();
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (event.altKey) { if (this.options.length) { this.open(); } return; }
        if (!this.options.length && this.input.value.trim().length >= this.minChars) { this.search(); return; }
        this.move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        this.move(-1);
        break;
      case "Home":
      case "End":
        if (open && this.active >= 0) {
          event.preventDefault();
          this.highlight(event.key === "Home" ? 0 : this.options.length - 1);
        }
        break;
      case "Enter":
        if (open && this.active >= 0) {
          event.preventDefault(); // choosing an option does not send the form
          this.pick(this.active);
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          this.close();
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
          this.setValue("", null);
          this.status.textContent = "";
        }
        break;
      case "Tab":
        this.close();
        break;
    }
  };

  Combobox.prototype.pick = function (index) {
    var option = this.options[index];
    if (!option) { return; }
    var label = option.getAttribute("data-label");
    this.input.value = label;
    this.setValue(option.getAttribute("data-value"), label);
    this.close();
    this.status.textContent = text(this.root, "picked", label);
  };

  Combobox.prototype.setValue = function (value, label) {
    var changed = this.hidden.value !== value;
    this.hidden.value = value;
    this.pickedLabel = label;
    if (changed) { this.hidden.dispatchEvent(new Event("change", { bubbles: true })); }
  };

  // --- file field ------------------------------------------------------------------------------

  function setupFile(root) {
    var input = root.querySelector("input[type=file]"), status = root.querySelector(".kk-file__status");
    root.classList.add("kk-file--script");
    function show() {
      var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      status.textContent = names.length ? names.join(", ") : text(root, "none");
    }
    input.addEventListener("change", show);
    show();
  }

  function setup(scope) {
    scope.querySelectorAll("[data-kk-combobox]:not([data-kk-ready])").forEach(function (root) {
      root.setAttribute("data-kk-ready", "");
      root.kkCombobox = new Combobox(root);
    });
    scope.querySelectorAll("[data-kk-file]:not([data-kk-ready])").forEach(function (root) {
      root.setAttribute("data-kk-ready", "");
      setupFile(root);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  // Fields that htmx swaps in later get the same behaviour.
  document.addEventListener("htmx:load", function (event) { setup(event.target); });
})();
