// Signature pad for a resident's consent to a proxy mandate (govhall).
// Without this script the page says to use the SMS code instead; with it,
// the form appears, the resident signs in the box with a finger, a pen or
// a mouse, and the drawing goes to the server as a PNG data URL.
(function () {
  "use strict";
  var form = document.getElementById("signature-form");
  var pad = document.getElementById("f-signature");
  var data = document.getElementById("signature-data");
  if (!form || !pad || !data || !pad.getContext) {
    return;
  }
  var ctx = pad.getContext("2d");
  var drawn = false;
  var last = null;

  function blank() {
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, pad.width, pad.height);
    ctx.strokeStyle = "#000000";
    ctx.lineWidth = 4;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    drawn = false;
    data.value = "";
  }

  // at maps a pointer event to the canvas's own pixels (it is drawn
  // smaller or larger than it is on most screens).
  function at(e) {
    var box = pad.getBoundingClientRect();
    return {
      x: (e.clientX - box.left) * pad.width / box.width,
      y: (e.clientY - box.top) * pad.height / box.height
    };
  }

  pad.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    last = at(e);
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fillStyle = "#000000";
    ctx.fill();
    drawn = true;
  });
  pad.addEventListener("pointermove", function (e) {
    if (!last) {
      return;
    }
    e.preventDefault();
    var p = at(e);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
  });
  function stop() {
    last = null;
  }
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);

  document.getElementById("signature-clear").addEventListener("click", blank);
  form.addEventListener("submit", function () {
    data.value = drawn ? pad.toDataURL("image/png") : "";
  });

  // Styles set through the DOM are allowed by the page's security policy.
  pad.style.width = "100%";
  pad.style.maxWidth = pad.width + "px";
  pad.style.height = "auto";
  pad.style.border = "2px solid";
  pad.style.borderRadius = "4px";
  pad.style.touchAction = "none";
  pad.style.display = "block";
  blank();
  form.hidden = false;
  var note = document.getElementById("signature-nojs");
  if (note) {
    note.hidden = true;
  }
}());
