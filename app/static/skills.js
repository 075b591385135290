// Known skills offered under the skills textareas while typing (GET /skills/suggest?q=...).
// One skill per line: a suggestion completes the line being typed. Attach by giving a textarea
// data-skill-suggest="<url>". Without JavaScript the textarea stays a plain textarea.
(function () {
  "use strict";

  const DELAY_MS = 150;
  const MIN_CHARS = 2;
  let lists = 0;

  function currentLine(textarea) {
    const value = textarea.value;
    const caret = textarea.selectionStart;
    const start = value.lastIndexOf("\n", caret - 1) + 1;
    const newline = value.indexOf("\n", caret);
    const end = newline === -1 ? value.length : newline;
    return { start: start, end: end, text: value.slice(start, end).trim() };
  }

  function attach(textarea) {
    const url = textarea.getAttribute("data-skill-suggest");
    const list = document.createElement("ul");
    lists += 1;
    list.id = (textarea.id || "skills") + "-suggestions-" + lists;
    list.className = "skill-suggestions";
    list.setAttribute("role", "listbox");
    // The page gives the words in its language (skills.autocomplete.skill_completion_attributes).
    const label = textarea.getAttribute("data-completions-label") || "Completions";
    const statuses = JSON.parse(textarea.getAttribute("data-completions-status") || "[]");
    list.setAttribute("aria-label", label); // not "skills": keeps the field's label unique
    list.hidden = true;
    // A textarea is a textbox, which has no aria-expanded: a screen reader hears how many
    // completions are offered from this status line instead.
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    textarea.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);

    let timer = null;
    let active = -1;
    let asked = 0; // only the answer to the latest question is shown

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      status.textContent = "";
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      const options = list.children;
      if (!options.length) return;
      active = (index + options.length) % options.length;
      Array.from(options).forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      textarea.setAttribute("aria-activedescendant", options[active].id);
    }

    function choose(name) {
      const line = currentLine(textarea);
      const before = textarea.value.slice(0, line.start) + name;
      const after = textarea.value.slice(line.end);
      // On the last line, start the next one so the next skill can be typed straight away.
      textarea.value = before + (after ? after : "\n");
      const caret = before.length + (after ? 0 : 1);
      textarea.setSelectionRange(caret, caret);
      close();
      textarea.focus();
    }

    function show(names, typed) {
      close();
      names
        .filter(function (name) {
          return typeof name === "string" && name !== typed.toLowerCase();
        })
        .forEach(function (name, i) {
          const option = document.createElement("li");
          option.id = list.id + "-" + i;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.textContent = name;
          // mousedown, not click: the textarea keeps its focus and caret.
          option.addEventListener("mousedown", function (event) {
            event.preventDefault();
            choose(name);
          });
          list.appendChild(option);
        });
      if (list.children.length) {
        list.hidden = false;
        const n = list.children.length;
        status.textContent =
          statuses[n] || n + " completion(s): up and down arrows to choose, Enter to take one.";
      }
    }

    function ask(typed) {
      asked += 1;
      const question = asked;
      fetch(url + "?q=" + encodeURIComponent(typed), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          const type = response.headers.get("Content-Type") || "";
          return response.ok && type.indexOf("application/json") === 0 ? response.json() : [];
        })
        .then(function (names) {
          if (question === asked && Array.isArray(names)) show(names, typed);
        })
        .catch(close);
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      const typed = currentLine(textarea).text;
      if (typed.length < MIN_CHARS) {
        asked += 1;
        close();
        return;
      }
      timer = window.setTimeout(function () {
        ask(typed);
      }, DELAY_MS);
    });

    textarea.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const down = event.key === "ArrowDown";
        highlight(active < 0 ? (down ? 0 : -1) : active + (down ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(list.children[active].textContent);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });

    textarea.addEventListener("blur", close);
  }

  document.querySelectorAll("textarea[data-skill-suggest]").forEach(attach);
})();
