/* Suggestions as you type: the WAI-ARIA 1.2 combobox pattern (list autocomplete).
 *
 * Each <input role="combobox" data-suggest="/api/search"> gets a listbox of suggestions:
 * arrow keys move through it, Enter opens (or, with data-fill="slug", fills in) the one
 * chosen, Escape closes it. Without JavaScript the form still submits to the search page.
 * Graph text is only ever set with textContent.
 */
(function () {
  "use strict";

  var DELAY_MS = 120;
  var LIMIT = "8";

  function setUp(input) {
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.dataset.status);
    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var asked = null;

    function isOpen() {
      return !listbox.hidden;
    }

    function open() {
      if (items.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      highlight(-1);
    }

    function highlight(index) {
      items.forEach(function (item, i) {
        item.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].element.id);
        items[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function describe(hit) {
      var parts = [hit.kind_label];
      if (hit.land) parts.push(hit.land);
      if (hit.matched_alt_label) parts.push("„" + hit.matched_alt_label + "“");
      return parts.join(" · ");
    }

    function show(hits) {
      listbox.replaceChildren();
      items = hits.map(function (hit, i) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "suggestion-label";
        name.textContent = hit.label;
        var meta = document.createElement("span");
        meta.className = "suggestion-meta";
        meta.textContent = describe(hit);
        option.append(name, " ", meta);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
        });
        option.addEventListener("click", function () {
          choose(i);
        });
        listbox.appendChild(option);
        return { element: option, hit: hit };
      });
      active = -1;
      status.textContent = items.length
        ? input.dataset.count.replace("{n}", String(items.length))
        : input.dataset.none;
      if (items.length) {
        open();
      } else {
        close();
      }
    }

    function choose(index) {
      var hit = items[index].hit;
      if (input.dataset.fill === "slug") {
        input.value = hit.slug;
        close();
        return;
      }
      // Only a path of this site: the API builds it, but never follow anything else.
      if (typeof hit.url === "string" && hit.url.charAt(0) === "/" && hit.url.charAt(1) !== "/") {
        window.location.assign(hit.url);
      }
    }

    function suggest() {
      var text = input.value.trim();
      if (text === asked) {
        open();
        return;
      }
      asked = text;
      if (controller) controller.abort();
      if (!text) {
        show([]);
        status.textContent = "";
        return;
      }
      controller = new AbortController();
      var params = new URLSearchParams({ q: text, limit: LIMIT });
      if (input.dataset.kind) params.append("kind", input.dataset.kind);
      fetch(input.dataset.suggest + "?" + params.toString(), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { hits: [] };
        })
        .then(function (answer) {
          if (text === input.value.trim()) show(answer.hits || []);
        })
        .catch(function () {
          /* aborted by a newer request, or offline: the form still works */
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            open();
            if (!items.length) suggest();
          }
          if (items.length) highlight(active + 1 < items.length ? active + 1 : 0);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen()) open();
          if (items.length) highlight(active > 0 ? active - 1 : items.length - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            asked = null;
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[role='combobox'][data-suggest]").forEach(setUp);
})();
