// Tells the page that embeds this snapshot how tall it is (the parent's listener sizes the
// iframe), on load and whenever the content's height changes: the pym.js / Datawrapper way.
(function () {
    if (window.parent === window) { return; }
    var last = 0;
    function send() {
        var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
        if (height === last) { return; }
        last = height;
        window.parent.postMessage({type: "dashboard-snapshot-height", height: height}, "*");
    }
    if (window.ResizeObserver) { new ResizeObserver(send).observe(document.documentElement); }
    window.addEventListener("load", send);
    window.addEventListener("resize", send);
    send();
})();
