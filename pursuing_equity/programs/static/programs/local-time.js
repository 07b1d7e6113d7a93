// The informational call's time in the reader's own time zone, beside the program's (server-
// rendered) time. Without JavaScript the page already lists the call in the US time zones.
document.querySelectorAll("[data-local-time]").forEach(function (node) {
  var starts = new Date(node.getAttribute("data-starts"));
  var ends = new Date(node.getAttribute("data-ends"));
  if (isNaN(starts) || isNaN(ends) || !window.Intl) {
    return;
  }
  var day = new Intl.DateTimeFormat(undefined, {
    weekday: "long", year: "numeric", month: "long", day: "numeric",
  });
  var clock = new Intl.DateTimeFormat(undefined, {
    hour: "numeric", minute: "2-digit", timeZoneName: "short",
  });
  node.textContent = "In your time zone: " + day.format(starts) + ", " +
    clock.format(starts) + " – " + clock.format(ends) + ".";
  node.hidden = false;
});
