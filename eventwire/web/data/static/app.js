/* eventwire's page: map, timeline, actor network, event table, event panel and contradictions.
 *
 * Everything shown comes from /api (docs/API.md). Article text and every other field are untrusted: nodes
 * are built with createElement / textContent / setAttribute only, never innerHTML, and links only ever take
 * http(s) addresses.
 */
"use strict";

(() => {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const QUADS = {
    1: { name: "Verbal cooperation", color: "#56B4E9" },
    2: { name: "Material cooperation", color: "#0072B2" },
    3: { name: "Verbal conflict", color: "#E69F00" },
    4: { name: "Material conflict", color: "#D55E00" },
  };
  const PLOVER_TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
  const MODALITIES = ["asserted", "claimed", "reported", "alleged", "planned", "negated", "hypothetical",
    "historical"];
  // filter input id -> /api/events parameter
  const FILTERS = [["filter-actor", "actor"], ["filter-type", "type"], ["filter-quad", "quad"],
    ["filter-modality", "modality"], ["filter-since", "since"], ["filter-until", "until"],
    ["filter-min-sources", "min_sources"], ["filter-q", "q"]];
  const PAGE_LIMIT = 1000;
  const MAX_PAGES = 10;
  const MAX_ROWS = 2000;
  const MAP_W = 900, MAP_H = 500;

  const state = {
    events: [],
    actorNames: new Map(),   // actor id -> name
    projection: null,
    zoom: { k: 1, x: 0, y: 0 },
    countryLabels: [],
    markers: [],             // {node, x, y, dx, dy}
    selectedId: null,
    eventsRequest: null,
    panelRequest: null,
    firstMarkers: false,
    stats: null,
  };

  // ---------------------------------------------------------------------------------------------------------
  // DOM helpers: the only ways this page creates nodes

  function setAttrs(node, attrs) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    return node;
  }

  function appendAll(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function h(tag, attrs, ...children) {
    return appendAll(setAttrs(document.createElement(tag), attrs), children);
  }

  function s(tag, attrs, ...children) {
    return appendAll(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
  }

  const $ = (id) => document.getElementById(id);

  // boxes of labels already placed; a label that would overlap one is left out (its name stays in a tooltip)
  function makeLabelPlacer() {
    const boxes = [];
    return (x0, y0, x1, y1) => {
      for (const b of boxes) if (x0 < b[2] && x1 > b[0] && y0 < b[3] && y1 > b[1]) return false;
      boxes.push([x0, y0, x1, y1]);
      return true;
    };
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (_) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // the API

  class ApiError extends Error {}

  async function api(path, params, signal) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== "" && value !== null && value !== undefined) url.searchParams.set(key, value);
    }
    let response;
    try {
      response = await fetch(url, { signal, headers: { Accept: "application/json" } });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(`the server did not answer ${url.pathname}: ${error.message}`);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      if (error.name === "AbortError") throw error;  // cancelled while the body was arriving
      body = null;
    }
    if (response.ok && (body === null || typeof body !== "object")) {
      throw new ApiError(`${url.pathname} did not answer JSON`);
    }
    if (!response.ok) {
      const what = body && body.error ? body.error : `${response.status} ${response.statusText}`;
      const error = new ApiError(body && body.parameter ? `${what} (parameter ${body.parameter})` : what);
      error.parameter = body && body.parameter;
      throw error;
    }
    return body;
  }

  function showStatus(message, isError) {
    const node = $("status");
    node.textContent = message || "";
    node.hidden = !message;
    node.classList.toggle("error", Boolean(isError));
  }

  function reportError(what) {
    return (error) => {
      if (error && error.name === "AbortError") return;
      console.error(what, error);
      showStatus(`Could not load ${what}: ${error.message}`, true);
    };
  }

  // ---------------------------------------------------------------------------------------------------------
  // small formatting helpers

  function actorName(party) {
    if (!party) return "";
    return party.name || party.text || party.id || "?";
  }

  function idName(id) {
    return state.actorNames.get(id) || id;
  }

  function parties(list) {
    return (list || []).map(actorName).join(", ");
  }

  function eventDate(event) {
    if (!event.date) return "";
    return event.date_end && event.date_end !== event.date ? `${event.date} – ${event.date_end}` : event.date;
  }

  function placeName(location) {
    if (!location) return "";
    const bits = [location.name];
    if (location.admin1 && location.admin1 !== location.name) bits.push(location.admin1);
    if (location.country_code) bits.push(location.country_code);
    return bits.filter(Boolean).join(", ");
  }

  function sources(event) {
    return event.cluster && event.cluster.sources ? event.cluster.sources : 1;
  }

  function humanise(word) {
    const text = String(word || "").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function swatch(quad) {
    const info = QUADS[quad];
    const node = h("span", { class: `swatch q${quad}`, title: info ? info.name : "unknown quad class" });
    return node;
  }

  function recordActorNames(list) {
    for (const party of list || []) {
      if (party && party.id && party.name && !state.actorNames.has(party.id)) {
        state.actorNames.set(party.id, party.name);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // header, legend and filters

  function renderStats(stats) {
    state.stats = stats;
    const range = stats.first_date && stats.last_date ? `, ${stats.first_date} to ${stats.last_date}` : "";
    $("summary").textContent = `${stats.documents} articles · ${stats.events} events · ${stats.clusters} ` +
      `happenings · ${stats.actors} actors · ${stats.contradictions} contradictions${range}`;
    const byQuad = stats.by_quad || {};
    for (const item of $("legend").querySelectorAll("li[data-quad]")) {
      const count = byQuad[item.dataset.quad] || 0;
      item.querySelector(".count").textContent = ` ${count}`;
    }
    const byType = stats.by_type || {};
    for (const option of $("filter-type").options) {
      if (option.value && byType[option.value] !== undefined) {
        option.textContent = `${option.value} (${byType[option.value]})`;
      }
    }
    renderTimeline(stats.by_day || []);
  }

  function buildLegendAndOptions() {
    const legend = $("legend");
    for (const [quad, info] of Object.entries(QUADS)) {
      const item = h("li", { "data-quad": quad, title: `Show only ${info.name.toLowerCase()}`, tabindex: 0 },
        swatch(quad), info.name, h("span", { class: "count" }));
      const pick = () => {
        const select = $("filter-quad");
        select.value = select.value === quad ? "" : quad;
        filtersChanged();
      };
      item.addEventListener("click", pick);
      item.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
      legend.append(item);
    }
    for (const type of PLOVER_TYPES) $("filter-type").append(h("option", { value: type }, type));
    for (const [quad, info] of Object.entries(QUADS)) {
      $("filter-quad").append(h("option", { value: quad }, `${quad} ${info.name.toLowerCase()}`));
    }
    for (const modality of MODALITIES) $("filter-modality").append(h("option", { value: modality }, modality));
  }

  function currentFilters() {
    const params = {};
    for (const [id, param] of FILTERS) {
      const value = $(id).value.trim();
      if (value) params[param] = value;
    }
    if (params.actor) params.role = "any";  // an actor filter means "involving", in either role
    return params;
  }

  function filtersFromUrl() {
    const query = new URLSearchParams(window.location.search);
    for (const [id, param] of FILTERS) {
      if (query.has(param)) $(id).value = query.get(param);
    }
  }

  function filtersToUrl() {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(currentFilters())) if (key !== "role") query.set(key, value);
    const search = query.toString();
    const url = `${window.location.pathname}${search ? `?${search}` : ""}${window.location.hash}`;
    window.history.replaceState(null, "", url);
  }

  let filterTimer = null;

  function filtersChanged(delay) {
    window.clearTimeout(filterTimer);
    filterTimer = window.setTimeout(() => {
      filtersToUrl();
      highlightLegend();
      renderTimelineRange();
      loadEvents();
    }, delay || 0);
  }

  function highlightLegend() {
    const quad = $("filter-quad").value;
    for (const item of $("legend").querySelectorAll("li[data-quad]")) {
      item.classList.toggle("dim", Boolean(quad) && item.dataset.quad !== quad);
    }
  }

  function bindFilters() {
    const form = $("filters");
    form.addEventListener("submit", (e) => { e.preventDefault(); filtersChanged(); });
    form.addEventListener("reset", () => window.setTimeout(() => filtersChanged(), 0));
    for (const [id] of FILTERS) {
      const input = $(id);
      const typed = input.type === "search" || input.type === "number";
      input.addEventListener(typed ? "input" : "change", () => filtersChanged(typed ? 300 : 0));
      if (typed) input.addEventListener("change", () => filtersChanged());
    }
  }

  function setFilter(id, value) {
    $(id).value = value;
  }

  // ---------------------------------------------------------------------------------------------------------
  // events: one query feeds the table and the map

  async function loadEvents() {
    if (state.eventsRequest) state.eventsRequest.abort();
    const request = new AbortController();
    state.eventsRequest = request;
    const params = { ...currentFilters(), limit: PAGE_LIMIT, sort: "-date" };
    const table = $("events-table");
    table.setAttribute("aria-busy", "true");
    try {
      let events = [];
      let cursor = null;
      let pages = 0;
      do {
        const page = await api("/api/events", cursor ? { ...params, cursor } : params, request.signal);
        events = events.concat(page.events || []);
        cursor = page.next_cursor;
        pages += 1;
      } while (cursor && pages < MAX_PAGES);
      if (state.eventsRequest !== request) return;
      state.events = events;
      for (const event of events) {
        recordActorNames(event.actor);
        recordActorNames(event.recipient);
      }
      showStatus("");
      renderTable(events, Boolean(cursor));
      renderMarkers(events);
      table.setAttribute("data-query", new URLSearchParams(currentFilters()).toString());
    } catch (error) {
      if (error.name === "AbortError") return;
      reportError("the events")(error);
      if (error.parameter) {
        const entry = FILTERS.find(([, param]) => param === error.parameter);
        if (entry) $(entry[0]).setAttribute("aria-invalid", "true");
      }
    } finally {
      if (state.eventsRequest === request) {
        table.setAttribute("aria-busy", "false");
        for (const [id] of FILTERS) if (!state.eventsRequest.signal.aborted) $(id).removeAttribute("aria-invalid");
      }
    }
  }

  function renderTable(events, truncated) {
    const body = $("events-body");
    const rows = [];
    for (const event of events.slice(0, MAX_ROWS)) {
      const row = h("tr", {
        class: "event-row", "data-event-id": event.id, "data-quad": event.quad_class,
        "data-type": event.event_type, "data-modality": event.modality, tabindex: 0,
        "data-parties": [...(event.actor || []), ...(event.recipient || [])].map((p) => p && p.id).filter(Boolean).join(" "),
      },
      h("td", { class: "date" }, eventDate(event) || "—"),
      h("td", { class: "type" }, swatch(event.quad_class), event.event_type),
      h("td", { class: "parties" }, parties(event.actor) || "—",
        event.recipient && event.recipient.length ? h("span", { class: "arrow" }, " → ") : null,
        parties(event.recipient)),
      h("td", { class: "place" }, event.location ? event.location.name : "—"),
      h("td", { class: "modality" }, h("span", { class: `badge m-${event.modality}` }, event.modality)),
      h("td", { class: "outlet" }, event.document ? event.document.outlet : ""),
      h("td", { class: "num" }, String(sources(event))),
      h("td", { class: "sentence", title: event.text }, h("div", { class: "clamp" }, event.text)));
      if (event.id === state.selectedId) row.classList.add("selected");
      rows.push(row);
    }
    body.replaceChildren(...rows);
    const shown = Math.min(events.length, MAX_ROWS);
    let count = `${events.length}${truncated ? "+" : ""} events`;
    if (shown < events.length) count += ` (first ${shown} shown)`;
    const located = events.filter(hasPoint).length;
    $("table-count").textContent = `${count}; ${located} on the map`;
    if (!events.length) {
      body.append(h("tr", { class: "empty" }, h("td", { colspan: 8 }, "No event matches these filters.")));
    }
  }

  function bindTable() {
    const body = $("events-body");
    const open = (target) => {
      const row = target.closest("tr.event-row");
      if (row) openEvent(row.dataset.eventId);
    };
    body.addEventListener("click", (e) => open(e.target));
    body.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(e.target); }
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // the map: an equirectangular projection around the events, corrected by the cosine of its centre latitude

  function hasPoint(event) {
    const loc = event.location;
    return Boolean(loc) && Number.isFinite(loc.lat) && Number.isFinite(loc.lon);
  }

  function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  function fitProjection(points) {
    let core = points;
    if (points.length) {
      // zoom to where most events are: a stray event on another continent would otherwise show the world
      const mLon = median(points.map((p) => p[0]));
      const mLat = median(points.map((p) => p[1]));
      const near = points.filter(([lon, lat]) => Math.abs(lon - mLon) <= 20 && Math.abs(lat - mLat) <= 15);
      if (near.length * 2 >= points.length) core = near;
    }
    let lon0 = -170, lon1 = 190, lat0 = -55, lat1 = 75;
    if (core.length) {
      lon0 = Math.min(...core.map((p) => p[0])); lon1 = Math.max(...core.map((p) => p[0]));
      lat0 = Math.min(...core.map((p) => p[1])); lat1 = Math.max(...core.map((p) => p[1]));
    }
    const cLon = (lon0 + lon1) / 2, cLat = (lat0 + lat1) / 2;
    const cos = Math.cos((cLat * Math.PI) / 180);
    const spanLon = Math.max(lon1 - lon0, 6) * 1.35, spanLat = Math.max(lat1 - lat0, 4) * 1.35;
    const k = Math.min(MAP_W / (spanLon * cos), MAP_H / spanLat);
    const project = (lon, lat) => [MAP_W / 2 + (lon - cLon) * cos * k, MAP_H / 2 - (lat - cLat) * k];
    return { project, outside: points.length - core.length };
  }

  function ringPath(ring, project) {
    let d = "";
    for (let i = 0; i < ring.length; i++) {
      const [x, y] = project(ring[i][0], ring[i][1]);
      d += `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    }
    return `${d}Z`;
  }

  function drawBasemap(world) {
    if (!state.projection || !world || !window.topojson) return;
    const project = state.projection.project;
    const countries = window.topojson.feature(world, world.objects.countries).features;
    const paths = [];
    state.countryLabels = [];
    for (const country of countries) {
      const geometry = country.geometry;
      if (!geometry) continue;
      const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      let d = "";
      let biggest = null;
      for (const polygon of polygons) {
        for (const ring of polygon) d += ringPath(ring, project);
        const xs = [], ys = [];
        for (const [lon, lat] of polygon[0]) { const [x, y] = project(lon, lat); xs.push(x); ys.push(y); }
        const box = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
        box.area = (box.x1 - box.x0) * (box.y1 - box.y0);
        if (!biggest || box.area > biggest.area) biggest = box;
      }
      const name = (country.properties && country.properties.name) || "";
      paths.push(s("path", { class: "country", d }, s("title", {}, name)));
      if (name && biggest) state.countryLabels.push({ name, box: biggest });
    }
    state.countryLabels.sort((a, b) => b.box.area - a.box.area);
    $("basemap").replaceChildren(...paths);
    applyZoom();
  }

  function markerTitle(event) {
    const who = parties(event.actor);
    const whom = parties(event.recipient);
    return `${eventDate(event) || "undated"} · ${event.event_type} · ${who}${whom ? ` → ${whom}` : ""}` +
      ` · ${event.location ? event.location.name : ""}\n${event.text}`;
  }

  function renderMarkers(events) {
    if (!state.projection) {
      state.projection = fitProjection(events.filter(hasPoint).map((e) => [e.location.lon, e.location.lat]));
    }
    const project = state.projection.project;
    const located = events.filter(hasPoint);
    // material conflict is the most common class: draw it first so the rarer ones stay visible on top
    located.sort((a, b) => (b.quad_class || 0) - (a.quad_class || 0));
    const seen = new Map();
    state.markers = [];
    const nodes = [];
    for (const event of located) {
      const [x, y] = project(event.location.lon, event.location.lat);
      const key = `${event.location.lat.toFixed(3)},${event.location.lon.toFixed(3)}`;
      const n = seen.get(key) || 0;
      seen.set(key, n + 1);
      // events at one place fan out on a small spiral so each stays clickable
      const angle = n * 2.39996, radius = n ? 6.5 * Math.sqrt(n) : 0;
      const node = s("circle", {
        class: "event-marker", "data-event-id": event.id, "data-quad": event.quad_class,
        r: Math.min(9, 4.5 + sources(event)), fill: (QUADS[event.quad_class] || {}).color || "#777",
        tabindex: 0, role: "button", "aria-label": markerTitle(event).split("\n")[0],
      }, s("title", {}, markerTitle(event)));
      if (event.id === state.selectedId) node.classList.add("selected");
      state.markers.push({ node, x, y, dx: radius * Math.cos(angle), dy: radius * Math.sin(angle) });
      nodes.push(node);
    }
    $("markers").replaceChildren(...nodes);
    applyZoom();
    if (nodes.length && !state.firstMarkers) {
      state.firstMarkers = true;
      performance.mark("eventwire:first-marker");
    }
    const unplaced = events.length - located.length;
    $("map-note").textContent = `${located.length} of ${events.length} events have a place on the map` +
      `${unplaced ? ` (${unplaced} name none)` : ""}. Drag to pan, scroll to zoom, click a dot to read its article.`;
  }

  function applyZoom() {
    const { k, x, y } = state.zoom;
    $("basemap").setAttribute("transform", `translate(${x.toFixed(2)},${y.toFixed(2)}) scale(${k.toFixed(4)})`);
    for (const marker of state.markers) {
      marker.node.setAttribute("cx", (marker.x * k + x + marker.dx).toFixed(1));
      marker.node.setAttribute("cy", (marker.y * k + y + marker.dy).toFixed(1));
    }
    placeCountryLabels();
  }

  function placeCountryLabels() {
    const { k, x, y } = state.zoom;
    const labels = [];
    const place = makeLabelPlacer();
    for (const { name, box } of state.countryLabels) {
      const w = (box.x1 - box.x0) * k, hgt = (box.y1 - box.y0) * k;
      const cx = ((box.x0 + box.x1) / 2) * k + x, cy = ((box.y0 + box.y1) / 2) * k + y;
      const half = name.length * 4.2;
      if (w < half * 1.6 || hgt < 16) continue;
      if (cx < 20 || cx > MAP_W - 20 || cy < 12 || cy > MAP_H - 8) continue;
      if (!place(cx - half, cy - 10, cx + half, cy + 3)) continue;
      labels.push(s("text", { class: "country-label", x: cx.toFixed(1), y: cy.toFixed(1) }, name));
    }
    $("country-labels").replaceChildren(...labels);
  }

  function svgPoint(svgNode, clientX, clientY) {
    const rect = svgNode.getBoundingClientRect();
    const box = svgNode.viewBox.baseVal;
    return [box.x + ((clientX - rect.left) / rect.width) * box.width,
      box.y + ((clientY - rect.top) / rect.height) * box.height];
  }

  function zoomAt(factor, px, py) {
    const z = state.zoom;
    const k = Math.max(0.05, Math.min(60, z.k * factor));
    const f = k / z.k;
    state.zoom = { k, x: px - (px - z.x) * f, y: py - (py - z.y) * f };
    applyZoom();
  }

  function fitToMarkers() {
    if (!state.markers.length) { state.zoom = { k: 1, x: 0, y: 0 }; applyZoom(); return; }
    const xs = state.markers.map((m) => m.x), ys = state.markers.map((m) => m.y);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const k = Math.max(0.05, Math.min(8, MAP_W / Math.max(60, (x1 - x0) * 1.3), MAP_H / Math.max(40, (y1 - y0) * 1.3)));
    state.zoom = { k, x: MAP_W / 2 - ((x0 + x1) / 2) * k, y: MAP_H / 2 - ((y0 + y1) / 2) * k };
    applyZoom();
  }

  function bindMap() {
    const map = $("map");
    map.addEventListener("wheel", (e) => {
      e.preventDefault();
      const [px, py] = svgPoint(map, e.clientX, e.clientY);
      zoomAt(Math.exp(-e.deltaY * 0.0015), px, py);
    }, { passive: false });
    let drag = null;
    map.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      drag = { id: e.pointerId, start: svgPoint(map, e.clientX, e.clientY), zoom: { ...state.zoom }, moved: false };
    });
    map.addEventListener("pointermove", (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      const [px, py] = svgPoint(map, e.clientX, e.clientY);
      const dx = px - drag.start[0], dy = py - drag.start[1];
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) { drag.moved = true; map.setPointerCapture(e.pointerId); map.classList.add("dragging"); }
      state.zoom = { k: drag.zoom.k, x: drag.zoom.x + dx, y: drag.zoom.y + dy };
      applyZoom();
    });
    const end = (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      if (drag.moved) {
        map.classList.remove("dragging");
        // the click that follows a drag is not a click on a marker
        map.addEventListener("click", (c) => c.stopPropagation(), { capture: true, once: true });
      }
      drag = null;
    };
    map.addEventListener("pointerup", end);
    map.addEventListener("pointercancel", end);
    map.addEventListener("dblclick", (e) => {
      const [px, py] = svgPoint(map, e.clientX, e.clientY);
      zoomAt(2, px, py);
    });
    const open = (target) => {
      const marker = target.closest && target.closest(".event-marker");
      if (marker) openEvent(marker.dataset.eventId);
    };
    map.addEventListener("click", (e) => open(e.target));
    map.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(e.target); } });
    $("zoom-in").addEventListener("click", () => zoomAt(1.6, MAP_W / 2, MAP_H / 2));
    $("zoom-out").addEventListener("click", () => zoomAt(1 / 1.6, MAP_W / 2, MAP_H / 2));
    $("zoom-fit").addEventListener("click", fitToMarkers);
  }

  // ---------------------------------------------------------------------------------------------------------
  // the timeline: events per day on a linear time axis, bars stacked by quad class

  const DAY = 86400000;
  const TL = { w: 1200, h: 170, left: 40, right: 14, top: 12, bottom: 26 };
  let timeline = null;  // {t0, t1, x(t), tOf(x)}

  const parseDay = (text) => Date.parse(`${text}T00:00:00Z`);
  const formatDay = (t) => new Date(t).toISOString().slice(0, 10);

  function renderTimeline(byDay) {
    const svgNode = $("timeline");
    const days = byDay.filter((d) => d.date && Number.isFinite(parseDay(d.date)))
      .map((d) => ({ ...d, t: parseDay(d.date) })).sort((a, b) => a.t - b.t);
    if (!days.length) {
      svgNode.replaceChildren(s("text", { x: 20, y: 40, class: "axis-label" }, "No dated events."));
      return;
    }
    // a lone day far before or after all others (a historical reference) would squeeze the rest into a sliver
    let first = 0, last = days.length - 1;
    const span = () => days[last].t - days[first].t;
    while (last - first > 2 && days[first + 1].t - days[first].t > 0.25 * span()) first += 1;
    while (last - first > 2 && days[last].t - days[last - 1].t > 0.25 * span()) last -= 1;
    const shown = days.slice(first, last + 1);
    const t0 = shown[0].t - DAY, t1 = shown[shown.length - 1].t + 2 * DAY;
    const plotW = TL.w - TL.left - TL.right, plotH = TL.h - TL.top - TL.bottom;
    const x = (t) => TL.left + ((t - t0) / (t1 - t0)) * plotW;
    timeline = { t0, t1, x, tOf: (px) => t0 + ((px - TL.left) / plotW) * (t1 - t0) };
    const maxCount = Math.max(...shown.map((d) => d.events));
    const y = (n) => (n / maxCount) * plotH;
    const barW = Math.max(2.5, (plotW / ((t1 - t0) / DAY)) * 0.85);
    const nodes = [s("rect", { id: "timeline-range", class: "range", x: 0, y: TL.top, width: 0, height: plotH, visibility: "hidden" })];
    nodes.push(...timeTicks(t0, t1, x));
    nodes.push(s("line", { class: "axis", x1: TL.left, x2: TL.w - TL.right, y1: TL.top + plotH, y2: TL.top + plotH }));
    nodes.push(s("text", { class: "axis-label", x: TL.left - 6, y: TL.top + 9, "text-anchor": "end" }, String(maxCount)));
    nodes.push(s("text", { class: "axis-label", x: TL.left - 6, y: TL.top + plotH, "text-anchor": "end" }, "0"));
    for (const day of shown) {
      const group = s("g", { class: "day", "data-date": day.date });
      let base = TL.top + plotH;
      const parts = [];
      for (const quad of ["4", "3", "2", "1"]) {
        const n = (day.by_quad || {})[quad] || 0;
        if (!n) continue;
        const height = y(n);
        base -= height;
        group.append(s("rect", { class: `bar q${quad}`, x: (x(day.t) - barW / 2).toFixed(1), y: base.toFixed(1), width: barW.toFixed(1), height: height.toFixed(1) }));
        parts.push(`${n} ${QUADS[quad].name.toLowerCase()}`);
      }
      const other = day.events - Object.values(day.by_quad || {}).reduce((a, b) => a + b, 0);
      if (other > 0) {
        const height = y(other);
        base -= height;
        group.append(s("rect", { class: "bar", x: (x(day.t) - barW / 2).toFixed(1), y: base.toFixed(1), width: barW.toFixed(1), height: height.toFixed(1) }));
      }
      group.append(s("title", {}, `${day.date}: ${day.events} event${day.events === 1 ? "" : "s"}${parts.length ? ` (${parts.join(", ")})` : ""}`));
      nodes.push(group);
    }
    svgNode.replaceChildren(...nodes);
    const before = days.slice(0, first).reduce((a, d) => a + d.events, 0);
    const after = days.slice(last + 1).reduce((a, d) => a + d.events, 0);
    const notes = [];
    if (before) notes.push(`${before} earlier event${before === 1 ? "" : "s"} (from ${days[0].date}) off the left edge`);
    if (after) notes.push(`${after} later event${after === 1 ? "" : "s"} (to ${days[days.length - 1].date}) off the right edge`);
    const undated = (state.stats ? state.stats.events : 0) - days.reduce((a, d) => a + d.events, 0);
    if (undated > 0) notes.push(`${undated} events give no date`);
    $("timeline-note").textContent = notes.length ? `${notes.join("; ")}.` : "";
    renderTimelineRange();
  }

  function timeTicks(t0, t1, x) {
    const start = new Date(t0), months = (t1 - t0) / (30.44 * DAY);
    const step = [1, 2, 3, 6, 12, 24, 60].find((m) => months / m <= 14) || 120;
    const nodes = [];
    let year = start.getUTCFullYear(), month = start.getUTCMonth() + 1;
    const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    for (let i = 0; i < 400; i++) {
      if (month > 11) { year += Math.floor(month / 12); month %= 12; }
      const t = Date.UTC(year, month, 1);
      if (t > t1) break;
      const absolute = year * 12 + month;
      if (t >= t0 && absolute % step === 0) {
        const px = x(t);
        const label = step >= 12 || month === 0 ? (month === 0 ? String(year) : `${MONTHS[month]} ${year}`) : MONTHS[month];
        nodes.push(s("line", { class: "tick", x1: px, x2: px, y1: TL.top, y2: TL.h - TL.bottom + 4 }));
        nodes.push(s("text", { class: "axis-label", x: px, y: TL.h - 8, "text-anchor": "middle" }, label));
      }
      month += 1;
    }
    return nodes;
  }

  function renderTimelineRange() {
    const range = $("timeline-range");
    if (!range || !timeline) return;
    const since = $("filter-since").value, until = $("filter-until").value;
    if (!since && !until) { range.setAttribute("visibility", "hidden"); return; }
    const a = since ? Math.max(timeline.t0, parseDay(since)) : timeline.t0;
    const b = until ? Math.min(timeline.t1, parseDay(until) + DAY) : timeline.t1;
    if (!(b > a)) { range.setAttribute("visibility", "hidden"); return; }
    range.setAttribute("x", timeline.x(a).toFixed(1));
    range.setAttribute("width", Math.max(2, timeline.x(b) - timeline.x(a)).toFixed(1));
    range.setAttribute("visibility", "visible");
  }

  function bindTimeline() {
    const svgNode = $("timeline");
    let brush = null;
    svgNode.addEventListener("pointerdown", (e) => {
      if (!timeline || e.button !== 0) return;
      const [px] = svgPoint(svgNode, e.clientX, e.clientY);
      brush = { id: e.pointerId, x0: px, x1: px };
      svgNode.setPointerCapture(e.pointerId);
    });
    svgNode.addEventListener("pointermove", (e) => {
      if (!brush || e.pointerId !== brush.id) return;
      [brush.x1] = svgPoint(svgNode, e.clientX, e.clientY);
      const range = $("timeline-range");
      range.setAttribute("x", Math.min(brush.x0, brush.x1).toFixed(1));
      range.setAttribute("width", Math.abs(brush.x1 - brush.x0).toFixed(1));
      range.setAttribute("visibility", "visible");
    });
    svgNode.addEventListener("pointerup", (e) => {
      if (!brush || e.pointerId !== brush.id) return;
      const { x0, x1 } = brush;
      brush = null;
      if (Math.abs(x1 - x0) < 4) {
        // a click: the day under the pointer, if it has a bar
        const day = e.target.closest && e.target.closest("g.day");
        if (day) { setFilter("filter-since", day.dataset.date); setFilter("filter-until", day.dataset.date); filtersChanged(); }
        else renderTimelineRange();
        return;
      }
      const a = timeline.tOf(Math.min(x0, x1)), b = timeline.tOf(Math.max(x0, x1));
      setFilter("filter-since", formatDay(a));
      setFilter("filter-until", formatDay(b));
      filtersChanged();
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // the actor network: a force layout (Fruchterman–Reingold) computed once, deterministic

  const NET_W = 520, NET_H = 500;

  // lay out one connected group of actors inside box {x, y, w, h}
  function forceLayout(nodes, edges, box) {
    const n = nodes.length;
    const cx = box.x + box.w / 2, cy = box.y + box.h / 2;
    if (n === 1) { nodes[0].x = cx; nodes[0].y = cy; return; }
    const ideal = Math.sqrt((box.w * box.h) / n) * 0.75;
    // start on a circle, busiest actors first, so the same data always gives the same picture
    nodes.forEach((node, i) => {
      const angle = (2 * Math.PI * i) / n;
      node.x = cx + (box.w / 3) * Math.cos(angle);
      node.y = cy + (box.h / 3) * Math.sin(angle);
    });
    let temperature = box.w / 10;
    for (let step = 0; step < 300; step++) {
      for (const node of nodes) { node.fx = 0; node.fy = 0; }
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const a = nodes[i], b = nodes[j];
          let dx = a.x - b.x, dy = a.y - b.y;
          const d = Math.max(0.5, Math.hypot(dx, dy));
          const force = (ideal * ideal) / d;
          dx /= d; dy /= d;
          a.fx += dx * force; a.fy += dy * force; b.fx -= dx * force; b.fy -= dy * force;
        }
      }
      for (const edge of edges) {
        const a = edge.source, b = edge.target;
        let dx = a.x - b.x, dy = a.y - b.y;
        const d = Math.max(0.5, Math.hypot(dx, dy));
        const force = (d * d) / ideal;
        dx /= d; dy /= d;
        a.fx -= dx * force; a.fy -= dy * force; b.fx += dx * force; b.fy += dy * force;
      }
      for (const node of nodes) {
        node.fx -= (node.x - cx) * 0.1;
        node.fy -= (node.y - cy) * 0.1;
        const f = Math.hypot(node.fx, node.fy);
        if (f > 0) {
          const move = Math.min(f, temperature);
          node.x += (node.fx / f) * move;
          node.y += (node.fy / f) * move;
        }
      }
      temperature = Math.max(0.5, temperature * 0.985);
    }
    const xs = nodes.map((d) => d.x), ys = nodes.map((d) => d.y);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const scale = Math.min(box.w / Math.max(1, x1 - x0), box.h / Math.max(1, y1 - y0));
    const sx = Math.min(scale * 1.6, box.w / Math.max(1, x1 - x0)), sy = Math.min(scale * 1.6, box.h / Math.max(1, y1 - y0));
    for (const node of nodes) {
      node.x = cx + (node.x - (x0 + x1) / 2) * sx;
      node.y = cy + (node.y - (y0 + y1) / 2) * sy;
    }
  }

  // the largest group of connected actors takes the frame; the small separate groups share a strip below it
  function layoutNetwork(nodes, edges) {
    const group = new Map();
    const neighbours = new Map(nodes.map((d) => [d, []]));
    for (const edge of edges) { neighbours.get(edge.source).push(edge.target); neighbours.get(edge.target).push(edge.source); }
    const groups = [];
    for (const node of nodes) {
      if (group.has(node)) continue;
      const members = [node];
      group.set(node, groups.length);
      for (let i = 0; i < members.length; i++) {
        for (const next of neighbours.get(members[i])) {
          if (!group.has(next)) { group.set(next, groups.length); members.push(next); }
        }
      }
      groups.push(members);
    }
    groups.sort((a, b) => b.length - a.length);
    const rest = groups.slice(1);
    const strip = rest.length ? 110 : 0;
    const margin = { left: 70, right: 70, top: 22, bottom: 22 };
    const main = groups[0];
    forceLayout(main, edges.filter((e) => group.get(e.source) === group.get(main[0])),
      { x: margin.left, y: margin.top, w: NET_W - margin.left - margin.right, h: NET_H - margin.top - margin.bottom - strip });
    if (!rest.length) return;
    const columns = Math.min(rest.length, 3);
    const rows = Math.ceil(rest.length / columns);
    const cellW = (NET_W - 20) / columns, cellH = (strip - 10) / rows;
    rest.forEach((members, i) => {
      const col = i % columns, row = Math.floor(i / columns);
      const id = group.get(members[0]);
      forceLayout(members, edges.filter((e) => group.get(e.source) === id),
        { x: 10 + col * cellW + 25, y: NET_H - strip + row * cellH + 12, w: Math.max(10, cellW - 130), h: Math.max(8, cellH - 24) });
    });
  }

  function renderNetwork(pairs) {
    const svgNode = $("network");
    const byId = new Map();
    const node = (id) => {
      if (!byId.has(id)) byId.set(id, { id, events: 0, degree: 0 });
      return byId.get(id);
    };
    const edges = [];
    for (const pair of pairs || []) {
      if (!pair.actor_a || !pair.actor_b || pair.actor_a === pair.actor_b) continue;
      const source = node(pair.actor_a), target = node(pair.actor_b);
      source.events += pair.events || 0; target.events += pair.events || 0;
      source.degree += 1; target.degree += 1;
      edges.push({ source, target, score: Number(pair.score) || 0, events: pair.events || 0, state: pair.state });
    }
    const nodes = [...byId.values()].sort((a, b) => b.events - a.events || (a.id < b.id ? -1 : 1));
    if (!nodes.length) {
      svgNode.replaceChildren(s("text", { x: 20, y: 40, class: "axis-label" }, "No relations between actors yet."));
      return;
    }
    layoutNetwork(nodes, edges);
    const maxScore = Math.max(...edges.map((e) => Math.abs(e.score)), 1);
    const maxEvents = Math.max(...nodes.map((d) => d.events), 1);
    const edgeNodes = edges.map((edge) => {
      const kind = edge.score > 0 ? "coop" : edge.score < 0 ? "conflict" : "neutral";
      const line = s("line", {
        class: `edge ${kind}${edge.state === "mixed" ? " mixed" : ""}`,
        x1: edge.source.x.toFixed(1), y1: edge.source.y.toFixed(1), x2: edge.target.x.toFixed(1), y2: edge.target.y.toFixed(1),
        "stroke-width": (1 + 7 * Math.sqrt(Math.abs(edge.score) / maxScore)).toFixed(2),
        "data-a": edge.source.id, "data-b": edge.target.id,
      }, s("title", {}, `${idName(edge.source.id)} – ${idName(edge.target.id)}: ${edge.state || kind}, ` +
        `intensity ${edge.score.toFixed(1)} over ${edge.events} event${edge.events === 1 ? "" : "s"}`));
      return line;
    });
    const place = makeLabelPlacer();
    for (const d of nodes) {
      const radius = 4 + 9 * Math.sqrt(d.events / maxEvents);
      place(d.x - radius, d.y - radius, d.x + radius, d.y + radius);  // labels never cover a node
    }
    const nodeNodes = nodes.map((d) => {
      const radius = 4 + 9 * Math.sqrt(d.events / maxEvents);
      const name = idName(d.id);
      const short = name.length > 24 ? `${name.slice(0, 22)}…` : name;
      const width = short.length * 6.1;
      // busiest actors first: to the right of the node if there is room, else to the left, else on hover only
      let side = null;
      if (d.x + radius + 3 + width < NET_W && place(d.x + radius + 3, d.y - 8, d.x + radius + 3 + width, d.y + 5)) side = "right";
      else if (d.x - radius - 3 - width > 0 && place(d.x - radius - 3 - width, d.y - 8, d.x - radius - 3, d.y + 5)) side = "left";
      return s("g", { class: `actor${side ? " labelled" : ""}`, "data-actor-id": d.id, tabindex: 0, role: "button",
        transform: `translate(${d.x.toFixed(1)},${d.y.toFixed(1)})`, "aria-label": `${name}: filter the events` },
      s("circle", { r: radius.toFixed(1) }),
      s("text", side === "left" ? { x: (-radius - 3).toFixed(1), y: 4, "text-anchor": "end" } : { x: (radius + 3).toFixed(1), y: 4 }, short),
      s("title", {}, `${name} (${d.id}): ${d.events} event${d.events === 1 ? "" : "s"} with ${d.degree} other actor${d.degree === 1 ? "" : "s"}`));
    });
    svgNode.replaceChildren(s("g", { class: "edges" }, edgeNodes), s("g", { class: "nodes" }, nodeNodes));
  }

  function bindNetwork() {
    const svgNode = $("network");
    const focus = (id) => {
      svgNode.classList.toggle("focused", Boolean(id));
      for (const edge of svgNode.querySelectorAll(".edge")) {
        edge.classList.toggle("hot", Boolean(id) && (edge.dataset.a === id || edge.dataset.b === id));
      }
      const near = new Set(id ? [id] : []);
      for (const edge of svgNode.querySelectorAll(".edge.hot")) { near.add(edge.dataset.a); near.add(edge.dataset.b); }
      for (const actor of svgNode.querySelectorAll(".actor")) actor.classList.toggle("hot", near.has(actor.dataset.actorId));
    };
    svgNode.addEventListener("pointerover", (e) => {
      const actor = e.target.closest && e.target.closest(".actor");
      focus(actor ? actor.dataset.actorId : null);
    });
    svgNode.addEventListener("pointerleave", () => focus(null));
    const pick = (target) => {
      const actor = target.closest && target.closest(".actor");
      if (!actor) return;
      const input = $("filter-actor");
      input.value = input.value === actor.dataset.actorId ? "" : actor.dataset.actorId;
      filtersChanged();
      $("events-section").scrollIntoView({ behavior: "smooth", block: "start" });
    };
    svgNode.addEventListener("click", (e) => pick(e.target));
    svgNode.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(e.target); } });
  }

  // ---------------------------------------------------------------------------------------------------------
  // contradictions

  function claimCard(claim, extraClass) {
    const doc = claim.document || {};
    return h("article", { class: `claim${extraClass ? ` ${extraClass}` : ""}`, "data-event-id": claim.event_id },
      h("p", { class: "claim-head" }, swatch(claim.quad_class), h("strong", {}, claim.event_type),
        " ", h("span", { class: `badge m-${claim.modality}` }, claim.modality)),
      h("p", { class: "claim-source" }, doc.outlet || "unknown outlet", doc.published ? ` · ${doc.published}` : ""),
      h("blockquote", {}, claim.text),
      claim.event_id ? h("button", { type: "button", class: "link open-event", "data-event-id": claim.event_id }, "Read it in the article") : null);
  }

  function renderContradictions(contradictions) {
    const list = $("contradiction-list");
    if (!contradictions.length) {
      list.replaceChildren(h("p", { class: "note" }, "No independent sources contradict each other in this database."));
      return;
    }
    list.replaceChildren(...contradictions.map((c) => {
      const outlets = [...new Set((c.claims || []).map((claim) => (claim.document || {}).outlet).filter(Boolean))];
      const window_ = c.window ? `${c.window.start} to ${c.window.end}` : "";
      return h("section", { class: "contradiction" },
        h("h3", {}, (c.actors || []).map(idName).join(" and "), h("span", { class: "kind" }, ` · ${humanise(c.kind)}`)),
        h("p", { class: "meta" }, [window_, outlets.length ? `outlets: ${outlets.join(" vs ")}` : ""].filter(Boolean).join(" · ")),
        c.reason ? h("p", { class: "reason" }, c.reason) : null,
        h("div", { class: "claims" }, (c.claims || []).map((claim) => claimCard(claim))));
    }));
  }

  // ---------------------------------------------------------------------------------------------------------
  // the event panel: the article with the sentence marked, its facts, corroboration and contradiction

  function appendSpans(parent, text, offset, spans) {
    // text is document text starting at offset; spans are non-overlapping and sorted, in document offsets
    let at = 0;
    for (const span of spans) {
      const a = span.start - offset, b = span.end - offset;
      if (a < at || b > text.length || b <= a) continue;
      if (a > at) parent.append(document.createTextNode(text.slice(at, a)));
      parent.append(h(span.tag, { class: span.cls, title: span.title }, text.slice(a, b)));
      at = b;
    }
    if (at < text.length) parent.append(document.createTextNode(text.slice(at)));
  }

  function articleNode(docText, start, end, documentSpans, event) {
    const eventId = event.id;
    // only this event's parties and place are marked: every mention of every actor would bury the text
    const partyIds = new Set([...(event.actor || []), ...(event.recipient || [])].map((p) => p && p.id).filter(Boolean));
    const spans = [];
    for (const a of (documentSpans && documentSpans.actors) || []) {
      if (!a.actor_id || !partyIds.has(a.actor_id)) continue;
      spans.push({ start: a.start, end: a.end, tag: "span", cls: "ent actor", title: `${a.name || a.text}${a.actor_id ? ` (${a.actor_id})` : ""}` });
    }
    for (const p of (documentSpans && documentSpans.places) || []) {
      if (p.event_id !== eventId) continue;
      spans.push({ start: p.start, end: p.end, tag: "span", cls: "ent place", title: p.name || p.text });
    }
    for (const t of (documentSpans && documentSpans.triggers) || []) {
      if (t.event_id === eventId) spans.push({ start: t.start, end: t.end, tag: "strong", cls: "trigger", title: t.event_type });
    }
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept = [];
    let last = -1;
    for (const span of spans) {
      if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < last) continue;
      // a span may not cross the sentence's edges: the mark must hold exactly the sentence
      if (start !== null && span.start < start && span.end > start) continue;
      if (end !== null && span.start < end && span.end > end) continue;
      kept.push(span);
      last = span.end;
    }
    const node = h("div", { class: "article-text" });
    if (start === null) {
      appendSpans(node, docText, 0, kept);
      return node;
    }
    appendSpans(node, docText.slice(0, start), 0, kept.filter((x) => x.end <= start));
    const mark = h("mark", { class: "sentence" });
    appendSpans(mark, docText.slice(start, end), start, kept.filter((x) => x.start >= start && x.end <= end));
    node.append(mark);
    appendSpans(node, docText.slice(end), end, kept.filter((x) => x.start >= end));
    return node;
  }

  function sentenceBounds(docText, sentence, event) {
    const text = sentence && sentence.text ? sentence.text : event.text;
    if (sentence && Number.isInteger(sentence.start) && Number.isInteger(sentence.end) &&
        docText.slice(sentence.start, sentence.end) === text) return [sentence.start, sentence.end];
    if (Array.isArray(event.span) && docText.slice(event.span[0], event.span[1]) === text) return event.span;
    const found = text ? docText.indexOf(text) : -1;
    return found >= 0 ? [found, found + text.length] : [null, null];
  }

  function fact(label, ...value) {
    const parts = value.flat().filter((v) => v !== null && v !== undefined && v !== "");
    if (!parts.length) return [];
    return [h("dt", {}, label), h("dd", {}, parts)];
  }

  function attributionText(attribution) {
    if (!attribution) return "";
    let text = attribution.text || "";
    if (attribution.actor && attribution.actor !== attribution.text) text += ` (${attribution.actor})`;
    if (attribution.citing) {
      const citing = attribution.citing;
      text += `, citing ${citing.text || ""}${citing.actor && citing.actor !== citing.text ? ` (${citing.actor})` : ""}`;
    }
    return text;
  }

  function memberCard(member) {
    const doc = member.document || {};
    return h("article", { class: "claim corroborating", "data-event-id": member.id },
      h("p", { class: "claim-head" }, h("strong", {}, member.event_type), " ", h("span", { class: `badge m-${member.modality}` }, member.modality)),
      h("p", { class: "claim-source" }, doc.outlet || "unknown outlet", doc.published ? ` · ${doc.published}` : "",
        member.attribution ? ` · according to ${attributionText(member.attribution)}` : ""),
      h("blockquote", {}, member.text),
      h("button", { type: "button", class: "link open-event", "data-event-id": member.id }, "Read it in the article"));
  }

  function selectEvent(id) {
    state.selectedId = id;
    for (const node of document.querySelectorAll(".event-row.selected, .event-marker.selected")) node.classList.remove("selected");
    if (!id) return;
    for (const node of document.querySelectorAll(`.event-row[data-event-id="${CSS.escape(id)}"], .event-marker[data-event-id="${CSS.escape(id)}"]`)) {
      node.classList.add("selected");
    }
  }

  async function openEvent(id) {
    if (!id) return;
    const panel = $("event-panel");
    const body = $("panel-body");
    if (state.panelRequest) state.panelRequest.abort();
    const request = new AbortController();
    state.panelRequest = request;
    selectEvent(id);
    panel.hidden = false;
    panel.setAttribute("aria-busy", "true");
    panel.dataset.eventId = id;
    $("panel-title").textContent = "Event";
    body.replaceChildren(h("p", { class: "note" }, "Loading the event and its article…"));
    if (window.location.hash !== `#event=${id}`) window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#event=${encodeURIComponent(id)}`);
    try {
      // the row already names the document: fetch the event and the article at the same time
      const known = state.events.find((e) => e.id === id);
      const documentId = known && known.document ? known.document.id : null;
      const detailPromise = api(`/api/events/${encodeURIComponent(id)}`, null, request.signal);
      let documentPromise = documentId ? api(`/api/documents/${encodeURIComponent(documentId)}`, null, request.signal) : null;
      const detail = await detailPromise;
      const docId = (detail.document && detail.document.id) || (detail.event.document && detail.event.document.id);
      if (!documentPromise || docId !== documentId) documentPromise = api(`/api/documents/${encodeURIComponent(docId)}`, null, request.signal);
      const doc = await documentPromise;
      if (state.panelRequest !== request) return;
      renderPanel(detail, doc);
    } catch (error) {
      if (error.name === "AbortError") return;
      body.replaceChildren(h("p", { class: "error" }, `Could not load event ${id}: ${error.message}`));
    } finally {
      if (state.panelRequest === request) panel.setAttribute("aria-busy", "false");
    }
  }

  function renderPanel(detail, doc) {
    const event = detail.event;
    const docRef = detail.document || event.document || {};
    const quad = QUADS[event.quad_class];
    recordActorNames(event.actor);
    recordActorNames(event.recipient);
    $("panel-title").replaceChildren(swatch(event.quad_class), `${event.event_type} · ${quad ? quad.name.toLowerCase() : ""}`);
    const cluster = detail.cluster;
    const location = event.location;
    const url = safeUrl(doc.url || docRef.url);
    const facts = h("dl", { class: "facts" },
      fact("Who", parties(event.actor) || "—"),
      fact("To whom", parties(event.recipient)),
      fact("Where", location ? `${placeName(location)}${location.precision ? ` (${location.precision})` : ""}` : "no place given"),
      fact("When", eventDate(event) ? `${eventDate(event)}${event.date_text ? ` (“${event.date_text}”)` : ""}` : "no date given"),
      fact("Modality", h("span", { class: `badge m-${event.modality}` }, event.modality),
        event.modality_evidence ? ` “${event.modality_evidence}”` : ""),
      fact("According to", attributionText(event.attribution)),
      fact("Outlet", doc.outlet || docRef.outlet || "unknown"),
      fact("Published", doc.published || docRef.published || "unknown"),
      fact("Article", url ? h("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, doc.title || url) : (doc.title || docRef.title)),
      fact("Happening", cluster ? `${cluster.sources} independent source${cluster.sources === 1 ? "" : "s"}, ` +
        `${cluster.articles} article${cluster.articles === 1 ? "" : "s"}, ${cluster.mentions} mention${cluster.mentions === 1 ? "" : "s"}` +
        `${cluster.corroboration !== undefined && cluster.corroboration !== null ? `; corroboration ${Number(cluster.corroboration).toFixed(2)}` : ""}` : "reported once"),
      fact("Confidence", event.confidence !== null && event.confidence !== undefined ? Number(event.confidence).toFixed(2) : ""),
      fact("Codes", [event.cameo ? `CAMEO ${event.cameo}` : "", event.acled_sub_event_type ? `ACLED ${event.acled_event_type} / ${event.acled_sub_event_type}` : ""].filter(Boolean).join(" · ")));

    const ownOutlet = (docRef.outlet || "").trim().toLowerCase();
    const corroborating = ((cluster && cluster.members) || []).filter((m) => m.id !== event.id &&
      ((m.document || {}).outlet || "").trim().toLowerCase() !== ownOutlet);
    // a contradiction lists the claims of both sides: the ones against this event come from other outlets
    // and are not mentions of its own happening
    const ownHappening = new Set((cluster && cluster.events) || []);
    const contradicting = [];
    for (const c of detail.contradictions || []) {
      for (const claim of c.claims || []) {
        const outlet = ((claim.document || {}).outlet || "").trim().toLowerCase();
        if (claim.event_id === event.id || ownHappening.has(claim.event_id) || outlet === ownOutlet) continue;
        if (!contradicting.some((x) => x.claim.event_id === claim.event_id)) {
          contradicting.push({ claim, reason: c.reason });
        }
      }
    }
    const sides = h("div", { class: "sides" },
      h("section", { class: "side corroboration" },
        h("h3", {}, `Corroborating sources (${corroborating.length})`),
        corroborating.length ? corroborating.map(memberCard) : h("p", { class: "note" }, "No other outlet reports this happening.")),
      h("section", { class: "side contradiction-side" },
        h("h3", {}, `Contradicting claims (${contradicting.length})`),
        contradicting.length ? contradicting.map(({ claim, reason }) => h("div", {}, claimCard(claim, "contradicting"),
          reason ? h("p", { class: "reason" }, reason) : null)) : h("p", { class: "note" }, "No source contradicts it.")));

    const docText = typeof doc.text === "string" ? doc.text : "";
    const [start, end] = sentenceBounds(docText, detail.sentence, event);
    const article = h("section", { class: "article" },
      h("h3", {}, doc.title || docRef.title || "Article"),
      h("p", { class: "note" }, `${doc.outlet || docRef.outlet || ""}${doc.published ? ` · ${doc.published}` : ""}. The event's sentence is highlighted, its trigger in bold; its parties are underlined, its place dotted.`),
      articleNode(docText, start, end, doc.spans, event));
    $("panel-body").replaceChildren(facts, sides, article);
    $("panel-body").scrollTop = 0;
    const mark = article.querySelector("mark.sentence");
    const box = article.querySelector(".article-text");
    // the article scrolls in its own box, opened at the sentence, so the facts above stay in view
    if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
    $("event-panel").focus({ preventScroll: true });
  }

  function closePanel() {
    $("event-panel").hidden = true;
    if (state.panelRequest) state.panelRequest.abort();
    selectEvent(null);
    if (window.location.hash.startsWith("#event=")) {
      window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}`);
    }
  }

  function bindPanel() {
    $("panel-close").addEventListener("click", closePanel);
    document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("event-panel").hidden) closePanel(); });
    // "Read it in the article" in the panel and the contradictions view
    document.addEventListener("click", (e) => {
      const button = e.target.closest && e.target.closest("button.open-event");
      if (button) openEvent(button.dataset.eventId);
    });
  }

  // ---------------------------------------------------------------------------------------------------------

  function start() {
    buildLegendAndOptions();
    filtersFromUrl();
    highlightLegend();
    bindFilters();
    bindTable();
    bindMap();
    bindTimeline();
    bindNetwork();
    bindPanel();

    // every request at once: the page is drawn piece by piece as the answers arrive
    const world = fetch("/assets/countries-110m.json").then((r) => {
      if (!r.ok) throw new Error(`/assets/countries-110m.json: ${r.status} (run ensure_assets)`);
      return r.json();
    });
    const actors = api("/api/actors", { limit: 1000 }).catch(() => ({ actors: [] }));
    const relations = api("/api/relations");
    const contradictions = api("/api/contradictions");
    const stats = api("/api/stats");
    const events = loadEvents();

    stats.then(renderStats).catch(reportError("the statistics"));
    actors.then((answer) => {
      const list = $("actor-list");
      for (const actor of answer.actors || []) {
        if (actor.id && actor.name) state.actorNames.set(actor.id, actor.name);
        list.append(h("option", { value: actor.id }, `${actor.name} (${actor.events})`));
      }
    });
    Promise.all([relations, actors]).then(([answer]) => renderNetwork(answer.pairs || []))
      .catch(reportError("the actor relations"));
    Promise.all([contradictions, actors]).then(([answer]) => renderContradictions(answer.contradictions || []))
      .catch(reportError("the contradictions"));
    Promise.all([world, events]).then(([topology]) => {
      if (!state.projection) renderMarkers(state.events);
      drawBasemap(topology);
    }).catch(reportError("the map"));

    const hash = window.location.hash.match(/^#event=(.+)$/);
    if (hash) openEvent(decodeURIComponent(hash[1]));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
