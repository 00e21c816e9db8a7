/* A stand-in for Clerk.js in browser tests: records what the page asks of Clerk.js.
 *
 * window.__clerk_calls:    every Clerk(...) call, queued before this loaded or made after,
 *                          as an array of its arguments.
 * window.__clerk_elements: every .clerk element on the page ({id, classes, data: {data-*}}).
 * window.__clerk_ready:    true once both are filled.
 */
(function (w, d) {
  "use strict";
  var calls = (w.__clerk_calls = []);
  var elements = (w.__clerk_elements = []);
  function record(args) {
    calls.push(JSON.parse(JSON.stringify(Array.prototype.slice.call(args))));
  }
  (w.__clerk_q || []).forEach(record);
  w.Clerk = function () {
    record(arguments);
  };
  function scan() {
    d.querySelectorAll(".clerk").forEach(function (el) {
      var data = {};
      Array.prototype.forEach.call(el.attributes, function (a) {
        if (a.name.indexOf("data-") === 0) data[a.name] = a.value;
      });
      elements.push({ id: el.id, classes: el.className, data: data });
    });
    w.__clerk_ready = true;
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", scan);
  else scan();
})(window, document);
