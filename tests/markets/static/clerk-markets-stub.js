/* A stand-in for Clerk.js that renders placements the way a Clerk design with customer
 * prices does: each product's name and price, the price being the visitor's customer-group
 * price (config price_context) when the product has one, in an element marked
 * data-clerk-price="<id>"; then it fires the "rendered" handlers, as Clerk.js does.
 *
 * window.__clerk_products: the products' feed data, set by the page.
 * window.__clerk_calls:    every Clerk(...) call.
 * window.__clerk_rendered: true once every placement is rendered and the handlers ran.
 */
(function (w, d) {
  "use strict";
  var calls = (w.__clerk_calls = []);
  var config = { globals: {} };
  var handlers = [];
  function handle(args) {
    args = Array.prototype.slice.call(args);
    calls.push(JSON.parse(JSON.stringify(args)));
    if (args[0] === "config") {
      for (var key in args[1]) {
        if (key === "globals") {
          for (var g in args[1].globals) config.globals[g] = args[1].globals[g];
        } else {
          config[key] = args[1][key];
        }
      }
    } else if (args[0] === "on" && args[1] === "rendered") {
      handlers.push(args[2]);
    }
  }
  (w.__clerk_q || []).forEach(handle);
  w.Clerk = function () {
    handle(arguments);
  };
  function priceFor(product) {
    var context = config.price_context || {};
    var group = context.qualifiers && context.qualifiers.customer_group_id;
    var own = group && product["customer_group_price_" + group];
    return typeof own === "number" ? own : product.price;
  }
  function render() {
    var products = w.__clerk_products || [];
    d.querySelectorAll(".clerk").forEach(function (el) {
      products.forEach(function (product) {
        var row = d.createElement("div");
        row.className = "product";
        var name = d.createElement("span");
        name.className = "name";
        name.textContent = product.name;
        var price = d.createElement("span");
        price.className = "price";
        price.setAttribute("data-clerk-price", product.id);
        price.textContent = priceFor(product).toFixed(2);
        row.appendChild(name);
        row.appendChild(price);
        el.appendChild(row);
      });
      handlers.forEach(function (handler) {
        handler({ element: el }, { product_data: products });
      });
    });
    w.__clerk_rendered = true;
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", render);
  else render();
})(window, document);
