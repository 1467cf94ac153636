// Sizes every embedded snapshot iframe to the height its page reports (see embed_height.js);
// only messages from the snapshot server's origin, and only for the iframe that sent them.
(function () {
    var origin = document.currentScript ? document.currentScript.getAttribute("data-origin") : null;
    window.addEventListener("message", function (event) {
        var data = event.data;
        if (event.origin !== origin || !data || data.type !== "dashboard-snapshot-height") { return; }
        var frames = document.querySelectorAll("iframe.dashboard-snapshot");
        for (var i = 0; i < frames.length; i++) {
            if (frames[i].contentWindow === event.source && typeof data.height === "number" && data.height > 0) {
                frames[i].style.height = Math.min(data.height, 5000) + "px";
            }
        }
    });
})();
