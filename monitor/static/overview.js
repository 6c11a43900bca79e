// The overview's small interactions; the page reads fully without them (SVG tooltips and links).
// Hover a device: its links stand out and a card names it. Click a region on the city map: its drawing opens.
"use strict";
(function () {
  const info = document.getElementById("device-info");

  function focusDevice(name, on) {
    document.querySelectorAll('.link[data-a="' + name + '"], .link[data-b="' + name + '"]')
      .forEach(function (line) { line.classList.toggle("focus", on); });
  }

  document.querySelectorAll(".region-map g.device").forEach(function (node) {
    const name = node.getAttribute("data-device");
    node.addEventListener("mouseenter", function () {
      node.classList.add("focus");
      focusDevice(name, true);
      if (info) {
        const title = node.querySelector("title");
        info.textContent = title ? title.textContent : name;
        info.hidden = false;
      }
    });
    node.addEventListener("mouseleave", function () {
      node.classList.remove("focus");
      focusDevice(name, false);
      if (info) { info.hidden = true; }
    });
  });

  document.querySelectorAll("a.region-link").forEach(function (link) {
    link.addEventListener("click", function () {
      const target = document.getElementById("region-" + link.getAttribute("data-region"));
      if (target) { target.open = true; }
    });
  });

  document.querySelectorAll("button[data-expand]").forEach(function (button) {
    button.addEventListener("click", function () {
      const open = button.getAttribute("data-expand") === "1";
      document.querySelectorAll("details.region").forEach(function (d) { d.open = open; });
    });
  });

  if (location.hash.indexOf("#region-") === 0) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) { target.open = true; }
  }
})();
