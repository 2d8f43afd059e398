// AI Film Studio: what the page does in the browser beside Gradio.
// - a 401 from the studio's API (session expired or ended) shows one plain message with a
//   link back to the same place, instead of "Error" on every control;
// - an upload Gradio refuses leaves a message under its picker; so does a file the page
//   refuses before sending it (a type the picker does not take, or over the upload limit),
//   instead of Gradio's notice that fades away;
// - buttons with data-open-tab open that tab (the estimate's "Top up credits");
// - the current tab is kept in the address (?tab=) so signing in again returns there;
// - a finished render shows in the tab title and as a notification (when allowed);
// - the credits badge follows changes made in other tabs of the studio (BroadcastChannel);
// - times the studio writes as <time data-local> show in the viewer's own time zone.
(() => {
  if (window.__filmStudio) { return; }
  window.__filmStudio = true;
  const API = "/gradio_api/";
  const TAB_IDS = {"New film": "new-film", "My films": "films", "Credits": "credits"};
  const TYPED_PREFIX = "filmstudio-typed:";
  const EXPIRED = "Your session expired. Sign in again; your draft is kept.";
  let expired = false;
  let lastPicker = null;

  function here() {
    // The page as it is now, with the open tab named so signing in again returns to it.
    const address = new URL(location.href);
    const selected = document.querySelector('[role="tab"][aria-selected="true"]');
    const id = selected && TAB_IDS[selected.textContent.trim()];
    if (id) { address.searchParams.set("tab", id); }
    return address.pathname + address.search;
  }

  function showExpired() {
    if (expired) { return; }
    expired = true;
    document.body.classList.add("session-expired");
    const box = document.createElement("div");
    box.id = "session-expired";
    box.setAttribute("role", "alert");
    const text = document.createElement("span");
    text.textContent = EXPIRED + " ";
    const link = document.createElement("a");
    link.href = "/studio/login?next=" + encodeURIComponent(here());
    link.textContent = "Sign in again";
    box.append(text, link);
    document.body.prepend(box);
  }

  function uploadMessage(detail) {
    const picker = lastPicker;
    if (!picker) { return; }
    let box = picker.parentElement.querySelector(":scope > .upload-error");
    if (!box) {
      box = document.createElement("div");
      box.className = "notice notice-error upload-error";
      box.setAttribute("role", "alert");
      picker.insertAdjacentElement("afterend", box);
    }
    box.textContent = detail;
  }

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
  }

  function typeNames(accept) {
    const names = accept.map((item) => item.replace(/^\./, "").toUpperCase());
    return names.length > 1 ? names.slice(0, -1).join(", ") + " or " + names[names.length - 1]
      : names.join("");
  }

  function refusal(input, files) {
    // Why a picked file cannot be sent, in one sentence; null when every file is fine.
    const accept = (input.getAttribute("accept") || "").split(",")
      .map((item) => item.trim().toLowerCase()).filter(Boolean);
    const meta = document.querySelector('meta[name="filmstudio-upload-limit"]');
    const limit = meta ? Number(meta.getAttribute("content")) : 0;
    for (const file of files) {
      const name = file.name.toLowerCase();
      const fits = accept.length === 0 || accept.some((item) => item.startsWith(".")
        ? name.endsWith(item)
        : item.endsWith("/*") ? file.type.startsWith(item.slice(0, -1)) : file.type === item);
      if (!fits) {
        return file.name + " is not a file this picker takes; choose a " + typeNames(accept)
          + " file.";
      }
      if (limit > 0 && file.size > limit) {
        return file.name + " is " + megabytes(file.size) + " MB, larger than the "
          + megabytes(limit) + " MB upload limit.";
      }
    }
    return null;
  }

  function refuseFiles(event, input, files) {
    // Stops Gradio from seeing files the studio cannot take, and says why under the picker.
    const reason = refusal(input, files);
    if (!reason) { return false; }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (input.type === "file") { input.value = ""; }
    lastPicker = input.closest(".block") || input.parentElement;
    uploadMessage(reason);
    return true;
  }

  async function uploadDetail(response) {
    try {
      const body = await response.clone().json();
      if (body && typeof body.detail === "string") { return body.detail; }
    } catch (error) { /* not JSON */ }
    if (response.status === 413) { return "That file is larger than the studio accepts."; }
    return "The upload did not go through; try the file again.";
  }

  const originalFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const response = await originalFetch(...args);
    const url = String(args[0] && args[0].url ? args[0].url : args[0]);
    if (url.includes(API)) {
      if (response.status === 401) {
        showExpired();
      } else if (url.includes(API + "upload") && !response.ok) {
        uploadMessage(await uploadDetail(response));
      } else if (url.includes(API + "upload")) {
        const old = lastPicker && lastPicker.parentElement.querySelector(":scope > .upload-error");
        if (old) { old.remove(); }
      }
    }
    return response;
  };

  // The title and script as typed, saved at every keystroke in the page itself (keyed by the
  // account), so what is typed after the session expired is kept (app/ui/draft.py reads it).
  document.addEventListener("input", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement)) { return; }
    if (!target.closest("#film-title, #film-script")) { return; }
    const account = document.querySelector("[data-user]");
    const title = document.querySelector("#film-title textarea, #film-title input");
    const script = document.querySelector("#film-script textarea");
    if (!account || !title || !script) { return; }
    localStorage.setItem(TYPED_PREFIX + account.dataset.user,
      JSON.stringify({title: title.value, script: script.value}));
  }, true);

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file") {
      if (refuseFiles(event, input, [...(input.files || [])])) { return; }
      lastPicker = input.closest(".block") || input.parentElement;
    }
  }, true);

  document.addEventListener("drop", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const block = target && target.closest(".block");
    const input = block && block.querySelector('input[type="file"]');
    if (input && event.dataTransfer) {
      if (refuseFiles(event, input, [...event.dataTransfer.files])) { return; }
      lastPicker = input.closest(".block") || input.parentElement;
    }
  }, true);

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const opener = target && target.closest("[data-open-tab]");
    if (opener) {
      const name = opener.getAttribute("data-open-tab");
      const tab = [...document.querySelectorAll('[role="tab"]')]
        .find((item) => item.textContent.trim() === name);
      if (tab) { tab.click(); window.scrollTo({top: 0, behavior: "smooth"}); }
      return;
    }
    const button = target && target.closest("button");
    if (button && button.textContent.trim() === "Generate film" && "Notification" in window
        && Notification.permission === "default") {
      Notification.requestPermission().catch(() => {});
    }
    if (document.title.startsWith("✓ ")) { document.title = baseTitle; }
  }, true);

  const baseTitle = document.title || "AI Film Studio";
  let watched = null;
  let wasRendering = false;
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("filmstudio-credits") : null;
  let credits = null;

  function checkProgress() {
    const bar = document.querySelector('#film-progress [role="progressbar"]');
    const heading = document.querySelector("#film-player, .film-heading h2");
    const title = (document.querySelector(".film-heading h2") || {}).firstChild;
    const name = title && title.textContent ? title.textContent.trim() : "Your film";
    const value = bar ? parseFloat(bar.getAttribute("aria-valuenow") || "0") : null;
    const key = name;
    if (value === null || !heading) { return; }
    if (watched !== key) {
      watched = key;
      wasRendering = value < 100;
      return;
    }
    if (value < 100) { wasRendering = true; return; }
    if (wasRendering) {
      wasRendering = false;
      document.title = "✓ " + name + " is ready · " + baseTitle;
      if ("Notification" in window && Notification.permission === "granted") {
        try { new Notification("Your film is ready", {body: name}); } catch (error) { /* ok */ }
      }
    }
  }

  function checkCredits() {
    const chip = document.querySelector("[data-credits]");
    if (!chip) { return; }
    const value = chip.getAttribute("data-credits");
    if (value !== credits) {
      credits = value;
      if (channel) { channel.postMessage({credits: value}); }
    }
  }

  if (channel) {
    channel.onmessage = (event) => {
      const value = event.data && String(event.data.credits);
      if (!value || value === credits) { return; }
      credits = value;
      for (const chip of document.querySelectorAll("[data-credits]")) {
        chip.setAttribute("data-credits", value);
        chip.textContent = value + (value === "1" ? " credit" : " credits");
      }
    };
  }

  // Gradio's upload areas and the audio speed button are named by an aria-label that leaves
  // out their visible text; screen-reader and voice-control users need the two to agree.
  function matchNamesToText() {
    for (const element of document.querySelectorAll(".upload-container[aria-label], button.playback[aria-label]")) {
      const text = element.textContent.replace(/\s+/g, " ").trim();
      const label = element.getAttribute("aria-label") || "";
      if (!text || label.toLowerCase().includes(text.toLowerCase())) { continue; }
      element.setAttribute("aria-label", text + (label ? " (" + label + ")" : ""));
    }
  }

  const localTime = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short"});
  function showLocalTimes() {
    for (const element of document.querySelectorAll("time[data-local]:not([data-shown])")) {
      const moment = new Date(element.getAttribute("datetime") || "");
      if (Number.isNaN(moment.getTime())) { continue; }
      element.title = element.textContent;
      element.textContent = localTime.format(moment);
      element.setAttribute("data-shown", "local");
    }
  }

  let firstTab = null;
  function keepTabInAddress() {
    // Only once the tab changes: the page's load events read the address, and naming the
    // first tab there would stop the studio from reopening a rendering film.
    const selected = document.querySelector('[role="tab"][aria-selected="true"]');
    const id = selected && TAB_IDS[selected.textContent.trim()];
    if (!id) { return; }
    if (firstTab === null) { firstTab = id; return; }
    const address = new URL(location.href);
    if (id !== firstTab && address.searchParams.get("tab") !== id) {
      firstTab = "";
      address.searchParams.set("tab", id);
      history.replaceState(null, "", address);
    }
  }

  new MutationObserver(() => {
    checkProgress(); checkCredits(); matchNamesToText(); keepTabInAddress(); showLocalTimes();
  })
    .observe(document.documentElement, {subtree: true, childList: true, attributes: true,
      attributeFilter: ["aria-valuenow", "data-credits", "aria-selected"]});
})();
