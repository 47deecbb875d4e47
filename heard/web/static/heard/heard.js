// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // The team switcher posts to the chosen team's switch URL.
  document.querySelectorAll("[data-team-switch]").forEach(function (form) {
    var select = form.querySelector("[data-switch-select]");
    select.addEventListener("change", function () { form.action = select.value; });
  });

  // A circle room keeps a websocket open and rejoins after a dropped connection.
  document.querySelectorAll("[data-circle-room]").forEach(function (room) {
    var status = room.querySelector("[data-connection]");
    var list = room.querySelector("[data-presence]");
    var present = new Set();
    var retry = 500;
    function render() {
      list.replaceChildren.apply(list, Array.from(present).sort().map(function (name) {
        var li = document.createElement("li"); li.textContent = name; return li;
      }));
    }
    function connect() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + location.host + room.dataset.socketPath);
      socket.onopen = function () { retry = 500; status.textContent = "Connected"; };
      socket.onmessage = function (event) {
        var msg = JSON.parse(event.data);
        if (msg.type === "welcome") { present.clear(); present.add(msg.you); render(); }
        if (msg.type === "presence") {
          if (msg.event === "leave") { present.delete(msg.who); } else { present.add(msg.who); }
          render();
        }
      };
      socket.onclose = function (event) {
        if (event.code === 4401 || event.code === 4404) { status.textContent = "You cannot join this circle."; return; }
        status.textContent = "Connection lost — rejoining…";
        setTimeout(connect, retry); retry = Math.min(retry * 2, 10000);
      };
    }
    connect();
  });
})();
