/*
 * Sandbox Clerk.js: a small local stand-in for Clerk.io's Clerk.js, served by the fake Clerk
 * API at /_fake/clerk.js. It reads the same markup as Clerk.js (.clerk elements with
 * data-template, data-api and data-* arguments; Clerk('config'|'context'|'cart'|'call')) and
 * renders plain product lists from the fake's answers. It is not Clerk.js: no designs, no
 * editor, no analytics; every element it renders says "sandbox".
 */
(function (window, document) {
  "use strict";
  if (window.__clerkSandbox) { return; }
  var script = document.currentScript;
  var origin = script ? new URL(script.src, window.location.href).origin : "";
  var api = origin + "/v2/";
  var config = {};
  var context = {};
  var pending = window.__clerk_q || [];
  var ATTRIBUTES = ["id", "name", "price", "list_price", "image", "url", "brand"];

  function clerk(command) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (command === "config") { Object.assign(config, args[0] || {}); }
    else if (command === "context") { Object.assign(context, args[0] || {}); }
    else if (command === "cart" && args[0] === "set") {
      call("log/basket/set", { products: args[1] || [] });
    } else if (command === "call") {
      // Clerk('call', endpoint, params, onSuccess, onError), as Clerk.js takes it.
      call(args[0], args[1] || {}).then(
        function (answer) { if (typeof args[2] === "function") { args[2](answer); } },
        function (error) { if (typeof args[3] === "function") { args[3](error); } }
      );
    }
    else if (command === "content") { render(document.querySelector(args[0])); }
  }

  function call(endpoint, params) {
    var query = new URLSearchParams();
    var all = Object.assign({ key: config.key }, config.visitor ? { visitor: config.visitor } : {}, params);
    Object.keys(all).forEach(function (name) {
      var value = all[name];
      if (value === undefined || value === null) { return; }
      query.set(name, typeof value === "string" ? value : JSON.stringify(value));
    });
    return fetch(api + endpoint + "?" + query.toString(), { mode: "cors" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.status !== "ok") { throw new Error(answer.message || "Clerk sandbox error"); }
        return answer;
      });
  }

  function dataOf(element) {
    var params = {};
    Array.prototype.forEach.call(element.attributes, function (attr) {
      if (attr.name.indexOf("data-") !== 0) { return; }
      var name = attr.name.slice(5).replace(/-/g, "_");
      var value = attr.value;
      try { value = JSON.parse(value); } catch (e) { /* plain text */ }
      params[name] = value;
    });
    return params;
  }

  function logicFor(contentId) {
    if (/alternative|similar|substitut/.test(contentId)) { return "recommendations/substituting"; }
    if (/visitor/.test(contentId)) { return "recommendations/visitor/complementary"; }
    if (/bought|complementary|bundle/.test(contentId)) { return "recommendations/complementary"; }
    if (/category/.test(contentId)) { return "recommendations/category/popular"; }
    if (/trending/.test(contentId)) { return "recommendations/trending"; }
    if (/new/.test(contentId)) { return "recommendations/new"; }
    return "recommendations/popular";
  }

  function title(contentId) {
    var words = contentId.replace(/^@/, "").replace(/-/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function money(value) {
    if (typeof value !== "number") { return ""; }
    var symbol = (config.globals || {}).currency_symbol || "";
    return symbol ? symbol + " " + value.toFixed(2) : value.toFixed(2);
  }

  function card(product, endpoint) {
    var item = el("li", "clerk-sandbox-product");
    item.setAttribute("data-clerk-product-id", product.id);
    var link = el("a");
    link.href = product.url || "#";
    link.addEventListener("click", function () {
      call("log/click", { product: product.id, api: endpoint });
    });
    if (product.image) {
      var image = el("img");
      image.src = product.image;
      image.alt = "";
      image.loading = "eager";
      link.appendChild(image);
    }
    link.appendChild(el("span", "clerk-sandbox-name", product.name || String(product.id)));
    item.appendChild(link);
    if (product.brand) { item.appendChild(el("span", "clerk-sandbox-brand", product.brand)); }
    var price = el("span", "clerk-sandbox-price", money(product.price));
    if (typeof product.list_price === "number" && product.list_price > product.price) {
      price.appendChild(el("del", "", money(product.list_price)));
    }
    item.appendChild(price);
    return item;
  }

  function productList(answer, endpoint) {
    var list = el("ul", "clerk-sandbox-products");
    (answer.product_data || []).forEach(function (product) { list.appendChild(card(product, endpoint)); });
    return list;
  }

  function shownIds(selector) {
    var ids = [];
    document.querySelectorAll(selector).forEach(function (node) {
      node.querySelectorAll("[data-clerk-product-id]").forEach(function (item) {
        ids.push(item.getAttribute("data-clerk-product-id"));
      });
    });
    return ids;
  }

  function recommend(element, params) {
    var contentId = String(params.template).replace(/^@/, "");
    var endpoint = logicFor(contentId);
    var args = { limit: params.limit || 8, attributes: ATTRIBUTES };
    ["products", "category", "filter"].forEach(function (name) {
      if (params[name] !== undefined) { args[name] = params[name]; }
    });
    if (endpoint.indexOf("category") >= 0 && args.category === undefined) { args.category = context.category; }
    if (params.exclude_from) { args.exclude = shownIds(params.exclude_from); }
    return call(endpoint, args).then(function (answer) {
      element.innerHTML = "";
      var box = el("div", "clerk-sandbox-block");
      box.appendChild(el("h2", "clerk-sandbox-title", title(contentId)));
      box.appendChild(el("span", "clerk-sandbox-tag", "sandbox · " + endpoint));
      box.appendChild(productList(answer, endpoint));
      element.appendChild(box);
      return answer;
    });
  }

  function facetFilter(filters) {
    var byName = {};
    filters.querySelectorAll("input:checked").forEach(function (box) {
      (byName[box.name] = byName[box.name] || []).push(box.value);
    });
    return Object.keys(byName).map(function (name) {
      return name + " in [" + byName[name].join(", ") + "]";
    }).join(" and ");
  }

  function searchPage(element, params) {
    var target = document.querySelector(params.target || "#clerk-search-results");
    var filters = params.facets_target ? document.querySelector(params.facets_target) : null;
    var facets = params.facets_attributes || [];
    function run() {
      var args = { query: String(params.query || ""), limit: params.limit || 24, attributes: ATTRIBUTES, facets: facets };
      var filter = filters ? facetFilter(filters) : "";
      if (filter) { args.filter = filter; }
      return call("search/search", args).then(function (answer) {
        target.innerHTML = "";
        target.appendChild(el("li", "clerk-sandbox-count", answer.count + " results (sandbox search)"));
        (answer.product_data || []).forEach(function (product) { target.appendChild(card(product, "search/search")); });
        if (filters && !filters.hasChildNodes()) { renderFacets(filters, answer.facets || {}, run); }
        return answer;
      });
    }
    return run();
  }

  function renderFacets(filters, facets, onChange) {
    Object.keys(facets).forEach(function (name) {
      var group = el("fieldset", "clerk-sandbox-facet");
      group.appendChild(el("legend", "", name));
      facets[name].slice(0, 8).forEach(function (value) {
        var label = el("label");
        var box = el("input");
        box.type = "checkbox";
        box.name = name;
        box.value = JSON.stringify(value.name);
        box.addEventListener("change", onChange);
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + (value.label || value.name) + " (" + value.count + ")"));
        group.appendChild(label);
      });
      filters.appendChild(group);
    });
  }

  function liveSearch(element, params) {
    var input = document.querySelector(params.instant_search);
    if (!input) { return Promise.resolve(null); }
    var box = el("div", "clerk-sandbox-live");
    box.hidden = true;
    input.parentNode.style.position = "relative";
    input.parentNode.appendChild(box);
    var latest = 0;
    input.addEventListener("input", function () {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) { box.hidden = true; return; }
      var limit = params.instant_search_suggestions || 6;
      Promise.all([
        call("search/predictive", { query: query, limit: limit, attributes: ATTRIBUTES }),
        call("search/categories", { query: query, limit: params.instant_search_categories || 6 }),
      ]).then(function (answers) {
        if (ticket !== latest) { return; }
        box.innerHTML = "";
        box.appendChild(el("span", "clerk-sandbox-tag", "sandbox live search"));
        box.appendChild(productList(answers[0], "search/predictive"));
        if (answers[1].count) {
          box.appendChild(el("p", "clerk-sandbox-categories", answers[1].count + " matching categories"));
        }
        box.hidden = false;
      });
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target) && event.target !== input) { box.hidden = true; }
    });
    return Promise.resolve(null);
  }

  function exitIntent(element, params) {
    var shown = false;
    function show() {
      if (shown) { return; }
      shown = true;
      var dialog = el("dialog", "clerk-sandbox-exit-intent");
      var close = el("button", "clerk-sandbox-close", "×");
      close.addEventListener("click", function () { dialog.close(); });
      dialog.appendChild(close);
      var slot = el("div");
      dialog.appendChild(slot);
      element.appendChild(dialog);
      recommend(slot, Object.assign({}, params, { template: "@exit-intent", limit: 4 })).then(function () {
        dialog.showModal();
      });
    }
    document.addEventListener("mouseout", function (event) {
      if (!event.relatedTarget && event.clientY <= 0) { show(); }
    });
    element.clerkShowExitIntent = show;
    return Promise.resolve(null);
  }

  function render(element) {
    if (!element || element.getAttribute("data-clerk-sandbox")) { return Promise.resolve(null); }
    element.setAttribute("data-clerk-sandbox", "rendered");
    var params = dataOf(element);
    var done;
    if (params.api) {
      var args = Object.assign({}, params);
      delete args.api;
      done = call(params.api, args);
    } else if (params.instant_search) { done = liveSearch(element, params); }
    else if (params.exit_intent) { done = exitIntent(element, params); }
    else if (element.id === "clerk-search" || params.target) { done = searchPage(element, params); }
    else if (params.template) { done = recommend(element, params); }
    else { done = Promise.resolve(null); }
    return done.catch(function (error) {
      element.setAttribute("data-clerk-sandbox", "failed");
      element.textContent = "Clerk sandbox: " + error.message;
    });
  }

  function banner() {
    if (document.getElementById("clerk-sandbox-banner")) { return; }
    var bar = el("div", "");
    bar.id = "clerk-sandbox-banner";
    bar.setAttribute("role", "status");
    bar.textContent = "Clerk.io sandbox: recommendations, search and tracking come from the local fake Clerk API (" + origin + "), not from Clerk.io.";
    document.body.insertBefore(bar, document.body.firstChild);
  }

  function style() {
    var css = [
      "#clerk-sandbox-banner{background:#fff4c2;color:#5a4500;border-bottom:2px solid #e6c200;padding:8px 16px;font:600 14px/1.4 system-ui,sans-serif;text-align:center}",
      ".clerk-sandbox-block{margin:24px 0}.clerk-sandbox-title{margin:0 0 4px}",
      ".clerk-sandbox-tag{display:inline-block;font:12px system-ui,sans-serif;background:#fff4c2;color:#5a4500;border-radius:10px;padding:1px 8px;margin-bottom:8px}",
      ".clerk-sandbox-products,.clerk-search-results{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}",
      ".clerk-sandbox-product{background:#fff;border:1px solid #e4e7ee;border-radius:8px;padding:10px;display:flex;flex-direction:column;gap:4px}",
      ".clerk-sandbox-product img{width:100%;aspect-ratio:1;object-fit:cover;border-radius:6px;display:block;margin-bottom:6px}",
      ".clerk-sandbox-brand{color:#6b7385;font-size:13px}.clerk-sandbox-price{font-weight:700}.clerk-sandbox-price del{color:#6b7385;font-weight:400;margin-left:6px}",
      ".clerk-sandbox-count{grid-column:1/-1;color:#6b7385}",
      ".clerk-search-page{display:grid;grid-template-columns:220px 1fr;gap:20px;align-items:start}",
      ".clerk-search-page>.clerk{grid-column:1/-1}.clerk-search-page>.clerk:empty{display:none}",
      ".clerk-sandbox-facet{border:1px solid #e4e7ee;border-radius:8px;background:#fff;margin:0 0 12px;padding:8px 12px}.clerk-sandbox-facet label{display:block;font-size:14px}",
      ".clerk-sandbox-live{position:absolute;top:100%;left:0;right:0;z-index:50;background:#fff;border:1px solid #e4e7ee;border-radius:8px;padding:10px;box-shadow:0 8px 24px rgba(0,0,0,.12)}",
      ".clerk-sandbox-live .clerk-sandbox-products{grid-template-columns:repeat(3,1fr)}",
      ".clerk-sandbox-exit-intent{max-width:760px;border:1px solid #e4e7ee;border-radius:10px}.clerk-sandbox-close{float:right}",
    ].join("\n");
    var node = el("style", "", css);
    if (script && script.nonce) { node.nonce = script.nonce; }
    document.head.appendChild(node);
  }

  function start() {
    style();
    banner();
    // One after the other, so data-exclude-from sees what the earlier placements show.
    var chain = Promise.resolve(null);
    document.querySelectorAll(".clerk").forEach(function (element) {
      chain = chain.then(function () { return render(element); });
    });
    chain.then(function () { window.__clerk_sandbox_ready = true; });
  }

  window.__clerkSandbox = { api: api, render: render, call: call };
  window.Clerk = clerk;
  pending.forEach(function (args) { clerk.apply(null, args); });
  window.__clerk_q = [];
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})(window, document);
