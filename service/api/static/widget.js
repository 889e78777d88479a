/*
 * reportqa chat widget: one script tag on any intranet page.
 *
 *   <script src="https://host/widget.js" data-endpoint="https://host"
 *           data-title="Ask the reports" data-api-key="..." defer></script>
 *
 * Plain JavaScript, no build step. Everything lives in a Shadow DOM, so the host page's
 * styles do not reach the widget and the widget's do not leak out. Report and user
 * text is only ever inserted as text nodes (textContent), never parsed as HTML.
 *
 * Options (data- attributes of the script tag): endpoint (default: where widget.js was
 * loaded from), title, api-key (sent as X-API-Key), timeout (ms, default 30000),
 * open ("true" opens the panel at load), low-confidence (answers with a confidence
 * below it are shown as possible answers to check; default: the service's own mark,
 * `tentative`, set from its calibrated level; 0.5 for servers that send none).
 *
 * Under each answer (and abstention) "Helpful" / "Not helpful" buttons post the user's
 * judgement, with an optional correction, to <endpoint>/feedback: once per answer.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__reportqaWidget) return;
  window.__reportqaWidget = true;

  var data = script.dataset;
  var config = {
    endpoint: (data.endpoint || new URL(script.src, location.href).origin).replace(/\/+$/, ""),
    title: data.title || "Ask the reports",
    apiKey: data.apiKey || "",
    timeoutMs: Number(data.timeout) > 0 ? Number(data.timeout) : 30000,
    startOpen: data.open === "true",
    lowConfidence: threshold(data.lowConfidence, null),
  };

  function threshold(value, fallback) {
    var number = parseFloat(value);
    return isFinite(number) ? number : fallback;
  }
  var SLOW_HINT_MS = 6000;
  var HISTORY_TURNS = 10; // the API accepts up to 20 turns
  var CONTEXT_CHARS = 120; // passage shown either side of the highlighted answer
  var EXCERPT_CHARS = 220; // passage shown of a card without the answer
  var FEEDBACK_DETAIL_CHARS = 160; // of a refusal's detail, on the short error line

  var MESSAGES = {
    searching: "Searching the reports\u2026",
    slow: "Still working \u2014 the service is slow right now\u2026",
    noAnswer: "No answer found in the reports.",
    why: "Why not",
    related: "Related passages",
    sources: "Sources",
    inShort: "In short: ",
    possible: "Possible answer \u2013 check the sources",
    spokenPossible: "Possible answer, check the sources: ",
    spokenAnswer: "Answer: ",
    down: "Cannot reach the reports service. It may be down; please try again in a few minutes.",
    timeout: "The reports service is taking too long to answer. Please try again in a moment.",
    failed: "Something went wrong while answering: ",
    refused: "The service could not take this question: ",
    feedbackLabel: "Was this answer helpful?",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    correction: "What should the answer be?",
    correctionHint: "Optional",
    feedbackSend: "Send",
    thanks: "Thanks for the feedback",
    feedbackFailed: "Feedback not sent: ",
    feedbackDown: "the service could not be reached",
    feedbackTimeout: "the service took too long",
    aboutSubject: "This answer is about ",
    reportsAbout: "Reports about ",
    otherSubjects: " answer this differently; name the one you mean.",
    askAbout: "Ask about ",
    whatAbout: "What about ",
  };

  // ---- small DOM helpers: text only, never innerHTML ----
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function uid(prefix) {
    return prefix + "-" + Math.random().toString(36).slice(2, 10);
  }

  // ---- build the widget ----
  var host = el("div");
  host.setAttribute("data-reportqa-widget", "");
  host.hidden = true; // shown once the stylesheet has loaded, so it never flashes unstyled
  var root = host.attachShadow({ mode: "open" });

  var stylesheet = el("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = new URL("widget.css", script.src).href;
  stylesheet.addEventListener("load", function () { host.hidden = false; });
  stylesheet.addEventListener("error", function () { host.hidden = false; });
  root.appendChild(stylesheet);

  var ids = { panel: uid("rqa-panel"), title: uid("rqa-title"), input: uid("rqa-input") };

  var launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", ids.panel);
  launcher.appendChild(el("span", "launcher-icon")).setAttribute("aria-hidden", "true");
  launcher.appendChild(el("span", "launcher-label", config.title));

  var panel = el("section", "panel");
  panel.id = ids.panel;
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", ids.title);

  var header = el("header", "header");
  var heading = el("h2", "title", config.title);
  heading.id = ids.title;
  var closeButton = el("button", "close", "\u00d7");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", "Close");
  header.append(heading, closeButton);

  var transcript = el("div", "transcript");
  transcript.setAttribute("role", "log");
  transcript.setAttribute("aria-label", "Conversation");
  // The transcript is not live (it would read every streamed piece); `announcer`
  // speaks each complete answer once.
  transcript.setAttribute("aria-live", "off");
  transcript.tabIndex = 0;
  var intro = el(
    "p",
    "intro",
    "Ask a question about the reports. Answers are quoted from them, with the passages they come from."
  );
  transcript.appendChild(intro);

  var announcer = el("div", "sr-only");
  announcer.setAttribute("role", "status");
  announcer.setAttribute("aria-live", "polite");

  var form = el("form", "composer");
  var label = el("label", "sr-only", "Your question");
  label.htmlFor = ids.input;
  var input = el("textarea", "input");
  input.id = ids.input;
  input.rows = 1;
  input.maxLength = 2000;
  input.placeholder = "Ask a question\u2026";
  input.setAttribute("aria-describedby", ids.title);
  var send = el("button", "send", "Send");
  send.type = "submit";
  form.append(label, input, send);

  panel.append(header, transcript, form, announcer);
  root.append(launcher, panel);

  // ---- open / close, keyboard ----
  function openPanel() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.classList.add("is-open");
    input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.classList.remove("is-open");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) openPanel();
    else closePanel();
  });
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel();
    }
  });
  input.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter starts a new line; never while an IME is composing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", autosize);

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  }

  // ---- conversation ----
  var history = [];
  var busy = false;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question || busy) return;
    input.value = "";
    autosize();
    ask(question);
  });

  function scrollToEnd() {
    transcript.scrollTop = transcript.scrollHeight;
  }

  function setBusy(value) {
    busy = value;
    send.disabled = value;
    transcript.setAttribute("aria-busy", value ? "true" : "false");
  }

  function ask(question) {
    if (intro.parentNode) intro.remove();
    var userBubble = el("div", "message user");
    userBubble.appendChild(el("p", "bubble", question));
    transcript.appendChild(userBubble);

    var reply = el("div", "message assistant");
    var status = el("p", "status", MESSAGES.searching);
    var answerText = el("p", "bubble answer");
    answerText.hidden = true;
    reply.append(status, answerText);
    transcript.appendChild(reply);
    scrollToEnd();
    announcer.textContent = MESSAGES.searching;
    setBusy(true);

    var controller = new AbortController();
    var timedOut = false;
    var slowTimer = setTimeout(function () { status.textContent = MESSAGES.slow; }, SLOW_HINT_MS);
    var deadline = setTimeout(function () {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
    var finished = false;
    var streamed = "";
    var asked = history.slice(); // the conversation before this question, as sent

    function finish() {
      clearTimeout(slowTimer);
      clearTimeout(deadline);
      setBusy(false);
      // Show the question and the start of its answer; the cards follow below.
      transcript.scrollTop = userBubble.offsetTop - transcript.offsetTop - 12;
    }

    function fail(message) {
      if (finished) return;
      finished = true;
      status.remove();
      var error = el("p", "error", message);
      error.setAttribute("role", "alert");
      reply.appendChild(error);
      announcer.textContent = "";
      finish();
    }

    var handlers = {
      citations: function (payload) {
        var n = (payload.citations || []).length;
        status.textContent = "Found " + n + (n === 1 ? " passage" : " passages") + "; reading\u2026";
      },
      answer: function (payload) {
        streamed += payload.text;
        answerText.hidden = false;
        answerText.appendChild(document.createTextNode(payload.text));
        scrollToEnd();
      },
      done: function (response) {
        finished = true;
        status.remove();
        renderResult(reply, answerText, response);
        // Under the answer (or the abstention and its reasons), above the sources.
        reply.insertBefore(
          feedbackBar(question, response, asked),
          reply.querySelector(".citations-heading")
        );
        history.push({ role: "user", content: question });
        if (response.answered && response.answer) {
          history.push({ role: "assistant", content: response.answer.slice(0, 4000) });
        }
        history = history.slice(-HISTORY_TURNS);
        var note = response.answered ? otherSubjectsNote(response) : null;
        announcer.textContent = response.answered
          ? (isLowConfidence(response) ? MESSAGES.spokenPossible : MESSAGES.spokenAnswer) +
            response.answer + (note ? " " + note : "")
          : [MESSAGES.noAnswer].concat(unmetReasons(response)).join(" ");
        finish();
      },
      error: function (payload) {
        fail(MESSAGES.failed + (payload.detail || "unknown error"));
      },
    };

    var headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
    if (config.apiKey) headers["X-API-Key"] = config.apiKey;
    fetch(config.endpoint + "/ask/stream", {
      method: "POST",
      headers: headers,
      body: JSON.stringify({ question: question, history: asked }),
      signal: controller.signal,
      credentials: "omit",
    })
      .then(function (response) {
        if (!response.ok) {
          return response
            .json()
            .catch(function () { return {}; })
            .then(function (body) {
              var detail = typeof body.detail === "string" ? body.detail : "HTTP " + response.status;
              fail(MESSAGES.refused + detail);
            });
        }
        return readEvents(response.body, function (name, payload) {
          if (handlers[name]) handlers[name](payload);
        }).then(function () {
          if (!finished) fail(MESSAGES.down);
        });
      })
      .catch(function () {
        fail(timedOut ? MESSAGES.timeout : MESSAGES.down);
      });
  }

  // ---- server-sent events over fetch (EventSource cannot POST) ----
  function readEvents(body, dispatch) {
    var reader = body.pipeThrough(new TextDecoderStream()).getReader();
    var buffer = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return;
        buffer += chunk.value.replace(/\r\n?/g, "\n");
        var boundary;
        while ((boundary = buffer.indexOf("\n\n")) >= 0) {
          var block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          var name = "message";
          var lines = [];
          block.split("\n").forEach(function (line) {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("data:")) lines.push(line.slice(5).replace(/^ /, ""));
          });
          if (lines.length) dispatch(name, JSON.parse(lines.join("\n")));
        }
        return pump();
      });
    }
    return pump();
  }

  // ---- rendering an answer and its citations ----

  // An answer the service is not sure of: shown as a possible answer to check.
  function isLowConfidence(response) {
    if (!response.answered) return false;
    var byPage = config.lowConfidence;
    if (byPage === null && typeof response.tentative === "boolean") return response.tentative;
    // Older servers send no `tentative`: their answers below 0.5 are the possible ones.
    var below = byPage === null ? 0.5 : byPage;
    return typeof response.confidence === "number" && response.confidence < below;
  }

  // Why the service abstained, for a person to read (`constraints` may be absent or null
  // from older servers).
  function unmetReasons(response) {
    var unmet = response.constraints && response.constraints.unmet;
    if (!Array.isArray(unmet)) return [];
    return unmet
      .filter(function (reason) { return typeof reason === "string" && reason.trim(); })
      .map(function (reason) { return reason.trim(); });
  }

  // The question named no council, and reports about other councils answer it
  // differently: say which, so the reader can ask again naming the one meant.
  function otherSubjects(response) {
    var constraints = response.constraints;
    return constraints && Array.isArray(constraints.also_answered_for)
      ? constraints.also_answered_for.filter(function (s) { return typeof s === "string" && s; })
      : [];
  }

  function otherSubjectsNote(response) {
    var constraints = response.constraints;
    var others = otherSubjects(response);
    if (!others.length) return null;
    var names = others.length === 1
      ? others[0]
      : others.slice(0, -1).join(", ") + " and " + others[others.length - 1];
    var about = typeof constraints.subject === "string" && constraints.subject
      ? MESSAGES.aboutSubject + constraints.subject + ". "
      : "";
    return about + MESSAGES.reportsAbout + names + MESSAGES.otherSubjects;
  }

  // The note, and a button per other council that asks the question again about it
  // (as a follow-up: "What about Doncaster?").
  function otherSubjectsBlock(note, response) {
    var block = el("div", "other-subjects");
    block.appendChild(el("p", null, note));
    var choices = el("div", "ask-about");
    otherSubjects(response).forEach(function (name) {
      var button = el("button", "ask-about-button", MESSAGES.askAbout + name);
      button.type = "button";
      button.addEventListener("click", function () {
        if (!busy) ask(MESSAGES.whatAbout + name + "?");
      });
      choices.appendChild(button);
    });
    block.appendChild(choices);
    return block;
  }

  function renderResult(reply, answerText, response) {
    var citations = response.citations || [];
    if (response.answered && response.answer) {
      // The streamed pieces already hold the answer; make sure it is exactly the final one.
      if (answerText.textContent !== response.answer) answerText.textContent = response.answer;
      answerText.hidden = false;
      var top = answerText;
      if (response.short_answer && response.short_answer.text) {
        // The date, number or name asked for, above the sentence it comes from.
        var short = el("p", "short-answer", MESSAGES.inShort);
        short.appendChild(el("strong", null, response.short_answer.text));
        reply.insertBefore(short, answerText);
        top = short;
      }
      if (isLowConfidence(response)) {
        answerText.classList.add("low-confidence");
        reply.insertBefore(el("p", "low-confidence-label", MESSAGES.possible), top);
      }
      var note = otherSubjectsNote(response);
      if (note) reply.insertBefore(otherSubjectsBlock(note, response), answerText.nextSibling);
      var cited = citations.filter(function (c) { return c.highlight; })[0];
      if (cited) answerText.appendChild(el("span", "ref", " [" + cited.n + "]"));
      if (cited) {
        var ref = answerText.lastChild;
        ref.setAttribute("role", "button");
        ref.setAttribute("aria-label", "Go to source " + cited.n);
        ref.tabIndex = 0;
        ref.addEventListener("click", function () { goToCard(reply, cited.n); });
        ref.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            goToCard(reply, cited.n);
          }
        });
      }
    } else {
      answerText.remove();
      reply.appendChild(el("p", "bubble abstain", MESSAGES.noAnswer));
      var reasons = unmetReasons(response);
      if (reasons.length) {
        var why = el("ul", "reasons");
        why.setAttribute("aria-label", MESSAGES.why);
        reasons.forEach(function (reason) { why.appendChild(el("li", null, reason)); });
        reply.appendChild(why);
      }
    }
    if (!citations.length) return;
    var list = el("ol", "citations");
    list.setAttribute("aria-label", response.answered ? MESSAGES.sources : MESSAGES.related);
    reply.appendChild(el("p", "citations-heading", response.answered ? MESSAGES.sources : MESSAGES.related));
    citations.forEach(function (citation) { list.appendChild(card(citation)); });
    reply.appendChild(list);
  }

  // ---- feedback on one answer: POST /feedback ----

  // Helpful sends at once; Not helpful opens an optional correction and sends with it.
  // One submission per answer: the controls lock while it is on its way and for good
  // once it is stored; after a failure (nothing stored) the user may send again.
  function feedbackBar(question, response, asked) {
    var bar = el("div", "feedback");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", MESSAGES.feedbackLabel);
    var helpful = feedbackButton(MESSAGES.helpful);
    var unhelpful = feedbackButton(MESSAGES.notHelpful);
    var buttons = el("div", "feedback-buttons");
    buttons.append(helpful, unhelpful);

    var correctionForm = el("form", "feedback-form");
    correctionForm.hidden = true;
    var fieldId = uid("rqa-correction");
    var fieldLabel = el("label", "feedback-label", MESSAGES.correction);
    fieldLabel.htmlFor = fieldId;
    var field = el("input", "feedback-input");
    field.type = "text";
    field.id = fieldId;
    field.maxLength = 2000;
    field.autocomplete = "off";
    field.placeholder = MESSAGES.correctionHint;
    var sendButton = el("button", "feedback-send", MESSAGES.feedbackSend);
    sendButton.type = "submit";
    var row = el("div", "feedback-row");
    row.append(field, sendButton);
    correctionForm.append(fieldLabel, row);

    var note = el("p", "feedback-note");
    note.hidden = true;
    note.tabIndex = -1; // focus lands here once sent, so keyboard users keep their place
    bar.append(buttons, correctionForm, note);

    var state = "open"; // "open" -> "sending" -> "sent" (or back to "open" after a failure)

    function lock(locked) {
      [helpful, unhelpful].forEach(function (button) {
        button.setAttribute("aria-disabled", locked ? "true" : "false");
      });
      field.readOnly = locked;
      sendButton.disabled = locked;
    }

    function press(button) {
      helpful.setAttribute("aria-pressed", button === helpful ? "true" : "false");
      unhelpful.setAttribute("aria-pressed", button === unhelpful ? "true" : "false");
    }

    function submit(isHelpful, correction) {
      state = "sending";
      lock(true);
      note.hidden = true;
      var shownAnswer = String(response.answer || "").slice(0, 10000);
      var payload = {
        question: question,
        answer: response.answered && response.answer ? shownAnswer : "",
        helpful: isHelpful,
        citations: (response.citations || []).slice(0, 50).map(function (c) {
          return { doc_id: c.doc_id, start: c.start, end: c.end };
        }),
        history: asked,
      };
      if (correction) payload.correction = correction;
      if (typeof response.index_version === "string" && response.index_version) {
        payload.index_version = response.index_version;
      }
      if (typeof response.confidence === "number") payload.confidence = response.confidence;
      postFeedback(payload).then(
        function () {
          state = "sent";
          var hadFocus = correctionForm.contains(root.activeElement); // about to be hidden
          correctionForm.hidden = true;
          showNote(MESSAGES.thanks, false);
          announcer.textContent = MESSAGES.thanks;
          if (hadFocus) note.focus();
        },
        function (reason) {
          state = "open";
          lock(false);
          if (isHelpful) press(null);
          showNote(MESSAGES.feedbackFailed + reason, true);
        }
      );
    }

    function showNote(text, isError) {
      note.textContent = text;
      note.classList.toggle("is-error", isError);
      if (isError) note.setAttribute("role", "alert");
      else note.removeAttribute("role");
      note.hidden = false;
    }

    helpful.addEventListener("click", function () {
      if (state !== "open") return;
      press(helpful);
      correctionForm.hidden = true;
      submit(true, "");
    });
    unhelpful.addEventListener("click", function () {
      if (state !== "open") return;
      press(unhelpful);
      correctionForm.hidden = false;
      field.focus();
    });
    correctionForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (state !== "open") return;
      submit(false, field.value.trim());
    });
    return bar;
  }

  function feedbackButton(text) {
    var button = el("button", "feedback-button", text);
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    return button;
  }

  // Resolves once the service has stored it; rejects with a short reason otherwise.
  function postFeedback(payload) {
    var controller = new AbortController();
    var timedOut = false;
    var deadline = setTimeout(function () {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (config.apiKey) headers["X-API-Key"] = config.apiKey;
    return fetch(config.endpoint + "/feedback", {
      method: "POST",
      headers: headers,
      body: JSON.stringify(payload),
      signal: controller.signal,
      credentials: "omit",
    })
      .then(
        function (response) {
          if (response.ok) return;
          return response
            .json()
            .catch(function () { return {}; })
            .then(function (body) {
              var detail =
                typeof body.detail === "string" ? body.detail : "HTTP " + response.status;
              if (detail.length > FEEDBACK_DETAIL_CHARS) {
                detail = detail.slice(0, FEEDBACK_DETAIL_CHARS - 1) + "\u2026";
              }
              throw detail;
            });
        },
        function () {
          throw timedOut ? MESSAGES.feedbackTimeout : MESSAGES.feedbackDown;
        }
      )
      .finally(function () { clearTimeout(deadline); });
  }

  function goToCard(reply, n) {
    var target = reply.querySelector('.card[data-n="' + Number(n) + '"]');
    if (!target) return;
    target.scrollIntoView({ block: "nearest" });
    target.focus();
  }

  // The service signs each citation's link (view_url) when it uses API keys, so the
  // page opens without one; an older service sends none and the link is built here.
  function documentLink(ref) {
    if (ref.view_url) return config.endpoint + ref.view_url + "#cited";
    return (
      config.endpoint + "/documents/" + encodeURIComponent(ref.doc_id) + "/view?start=" +
      encodeURIComponent(ref.start) + "&end=" + encodeURIComponent(ref.end) + "#cited"
    );
  }

  function card(citation) {
    var item = el("li", "card");
    item.setAttribute("data-n", String(Number(citation.n)));
    item.tabIndex = -1;
    if (citation.highlight) item.classList.add("is-answer");
    var top = el("div", "card-top");
    top.appendChild(el("span", "num", citation.n));
    var link = el("a", "card-title", citation.title);
    link.href = documentLink(citation);
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    top.appendChild(link);
    var meta = [citation.kind, citation.date].filter(Boolean).join(" \u00b7 ");
    if (meta) top.appendChild(el("span", "card-meta", meta));
    item.appendChild(top);
    item.appendChild(passage(citation));
    if (citation.also_in && citation.also_in.length) {
      var also = el("p", "also-in", "Also in: ");
      citation.also_in.forEach(function (other, i) {
        if (i) also.appendChild(document.createTextNode("; "));
        var a = el("a", null, other.title);
        a.href = documentLink(other);
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        also.appendChild(a);
      });
      item.appendChild(also);
    }
    return item;
  }

  // Offsets from the service count Unicode code points; JavaScript strings count
  // UTF-16 units, so slice an array of code points.
  function passage(citation) {
    var chars = Array.from(citation.text || "");
    var node = el("p", "passage");
    var h = citation.highlight;
    var from = 0;
    var to = chars.length;
    if (h && h.start >= 0 && h.end <= chars.length && h.start < h.end) {
      from = snap(chars, Math.max(0, h.start - CONTEXT_CHARS), -1);
      to = snap(chars, Math.min(chars.length, h.end + CONTEXT_CHARS), 1);
      if (from > 0) node.appendChild(document.createTextNode("\u2026"));
      node.appendChild(document.createTextNode(chars.slice(from, h.start).join("")));
      node.appendChild(el("mark", null, chars.slice(h.start, h.end).join("")));
      node.appendChild(document.createTextNode(chars.slice(h.end, to).join("")));
    } else {
      to = snap(chars, Math.min(chars.length, EXCERPT_CHARS), 1);
      node.appendChild(document.createTextNode(chars.slice(0, to).join("")));
    }
    if (to < chars.length) node.appendChild(document.createTextNode("\u2026"));
    return node;
  }

  // Move a cut point to the nearest whitespace so words are not split.
  function snap(chars, index, direction) {
    var i = index;
    var limit = 40;
    while (i > 0 && i < chars.length && !/\s/.test(chars[i]) && limit-- > 0) i += direction;
    return i;
  }

  function mount() {
    document.body.appendChild(host);
    if (config.startOpen) openPanel();
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
