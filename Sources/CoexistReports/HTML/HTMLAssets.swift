import Crypto
import Foundation

/// The inline style sheet and script of `report.html`, and their Content-Security-Policy hashes.
///
/// Both are constants: no export value ever goes into them. The page's policy allows exactly these
/// two blocks by their SHA-256 (computed from the text at run time, so an edit here can never leave
/// a stale hash behind) and nothing else: no network, no other script, no inline style attribute.
enum HTMLAssets {
    /// `'sha256-…'` of a block's exact text, as CSP source expressions write it.
    static func hashSource(_ text: String) -> String {
        "'sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString() + "'"
    }

    /// The policy of the page's `<meta http-equiv="Content-Security-Policy">`.
    static let policy =
        "default-src 'none'; script-src \(hashSource(script)); style-src \(hashSource(style)); "
        + "img-src 'none'; base-uri 'none'; form-action 'none'"

    static let style = """
        :root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--brand:#0b3a5b;\
        --error:#b42318;--error-bg:#fef3f2;--warning:#a15c07;--warning-bg:#fffaeb;--info:#175cd3;--info-bg:#eff8ff;\
        --ok:#067647;--ok-bg:#ecfdf3;--del:#ffebe9;--ins:#dafbe1}
        *{box-sizing:border-box}
        body{font:14px/1.45 "Segoe UI",system-ui,-apple-system,Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);margin:0;background:#fff}
        main{max-width:1320px;margin:0 auto;padding:0 24px 40px}
        .masthead{background:var(--brand);color:#fff;padding:10px 24px}
        .masthead div{max-width:1320px;margin:0 auto;display:flex;justify-content:space-between;gap:16px;flex-wrap:wrap;font-size:13px}
        .masthead b{font-size:15px;letter-spacing:.02em}
        h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
        h3{font-size:17px;margin:0}h4{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:14px 0 4px}
        code,.mono{font-family:"Cascadia Mono",Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
        .muted,small{color:var(--muted)}
        .verdict{display:flex;gap:16px;align-items:center;margin:20px 0 12px;padding:16px 20px;border:1px solid var(--line);\
        border-left:10px solid var(--muted);border-radius:8px;background:var(--soft)}
        .verdict .mark{font-size:30px;font-weight:700;width:44px;height:44px;border-radius:50%;display:flex;align-items:center;\
        justify-content:center;color:#fff;background:var(--muted);flex:none}
        .verdict.findings{border-left-color:var(--error);background:var(--error-bg)}.verdict.findings .mark{background:var(--error)}
        .verdict.clean{border-left-color:var(--ok);background:var(--ok-bg)}.verdict.clean .mark{background:var(--ok)}
        .verdict.incomplete{border-left-color:var(--warning);background:var(--warning-bg)}.verdict.incomplete .mark{background:var(--warning)}
        .verdict p{margin:0;color:var(--muted)}
        .kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(112px,1fr));gap:8px;margin:12px 0}
        .kpi{border:1px solid var(--line);border-radius:6px;padding:6px 12px;background:#fff}.kpi.wide{grid-column:span 2}.kpi.long b{font-size:19px;line-height:29px}
        .kpi b{display:block;font-size:22px;font-variant-numeric:tabular-nums;white-space:nowrap}.kpi span{color:var(--muted);font-size:12px}
        .kpi.error b{color:var(--error)}.kpi.warning b{color:var(--warning)}.kpi.info b{color:var(--info)}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(400px,1fr));gap:20px;align-items:start}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:20px;align-items:start}
        @media (min-width:1200px){.charts{grid-template-columns:5fr 3.4fr 3.4fr}}
        figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px 12px}
        figcaption{font-weight:600;margin-bottom:6px}svg{display:block;max-width:100%;height:auto}
        svg text{font-size:12px;fill:var(--ink)}svg .axis{fill:var(--muted)}
        .bar-error{fill:var(--error)}.bar-warning{fill:#dc8a0e}.bar-info{fill:var(--info)}
        .bar-baseline{fill:#98a2b3}.bar-current{fill:var(--brand)}
        .legend{font-size:12px;color:var(--muted)}.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:baseline}
        .swatch.baseline{background:#98a2b3}.swatch.current{background:var(--brand)}
        table{border-collapse:collapse;width:100%;margin:4px 0 8px;font-variant-numeric:tabular-nums}
        th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
        th{background:var(--soft);font-size:12px;font-weight:600;white-space:nowrap}
        td.num,th.num{text-align:right;white-space:nowrap}
        th button.sort{all:unset;cursor:pointer}th button.sort::after{content:" \\2195";color:#98a2b3}
        th[aria-sort=ascending] button.sort::after{content:" \\2191";color:var(--ink)}
        th[aria-sort=descending] button.sort::after{content:" \\2193";color:var(--ink)}
        .sev{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
        .sev.error{color:var(--error);background:var(--error-bg);border:1px solid #fda29b}
        .sev.warning{color:var(--warning);background:var(--warning-bg);border:1px solid #fedf89}
        .sev.info{color:var(--info);background:var(--info-bg);border:1px solid #b2ddff}
        .sev.ok{color:var(--ok);background:var(--ok-bg);border:1px solid #abefc6}
        .tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;border:1px solid var(--line);background:var(--soft)}
        .tag.added{color:var(--ok);border-color:#abefc6;background:var(--ok-bg)}
        .tag.removed{color:var(--error);border-color:#fda29b;background:var(--error-bg)}
        .tag.changed{color:var(--warning);border-color:#fedf89;background:var(--warning-bg)}
        del{background:var(--del);color:#82071e;text-decoration:line-through;padding:0 2px}
        ins{background:var(--ins);color:#044f1e;text-decoration:none;padding:0 2px;font-weight:600}
        .arrow{color:var(--muted);padding:0 3px}
        tr.removed td{color:var(--muted)}tr.removed td.product{text-decoration:line-through}
        .up{color:var(--error)}.down{color:var(--ok)}.inputs-line{margin:6px 0 0;font-size:12.5px;color:var(--muted)}
        .evidence{font-size:11px;color:var(--muted);min-width:120px;max-width:210px}td.product .evidence{max-width:none;margin-top:2px}.block{overflow-x:auto}
        td.product{min-width:170px}td.subject{min-width:170px}td.product code,td.subject code{white-space:nowrap;font-size:10.5px}
        code.rule,td.date,td.dates del,td.dates ins{white-space:nowrap}td.message{min-width:260px}
        .note{font-size:12.5px;color:var(--muted)}
        .filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:8px 14px;align-items:end;padding:10px 12px;\
        margin:16px 0;background:#fff;border:1px solid var(--line);border-radius:6px;box-shadow:0 2px 6px rgba(0,0,0,.06)}
        .filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
        .filters select,.filters input,.filters button{font:inherit;font-size:13px;padding:3px 6px;border:1px solid var(--line);border-radius:4px}
        .filters output{font-size:12.5px;color:var(--muted);margin-left:auto}
        article.tenant{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:14px 0;\
        content-visibility:auto;contain-intrinsic-size:auto 600px}
        article.tenant header{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 12px}
        .badges{display:flex;gap:6px;flex-wrap:wrap;margin-top:6px}
        .ok{color:var(--ok)}
        footer{margin-top:28px;padding-top:10px;border-top:1px solid var(--line);font-size:12.5px;color:var(--muted)}
        [hidden]{display:none!important}
        @media print{
        body{font-size:10pt}main{max-width:none;padding:0}.masthead{background:none;color:var(--ink);border-bottom:2px solid var(--ink);padding:0 0 4px}
        .filters,th button.sort::after{display:none}th button.sort{cursor:auto}
        article.tenant{content-visibility:visible;break-inside:auto;border:none;border-top:2px solid var(--line);border-radius:0;padding:8px 0}
        thead{display:table-header-group}tr,figure,.verdict{break-inside:avoid}h2,h3,h4{break-after:avoid}
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}}
        """

    static let script = """
        (function () {
          "use strict";
          var doc = document;
          var bar = doc.getElementById("filters");
          if (!bar) { return; }
          var keys = ["severity", "rule", "tenant", "channel"];
          var attr = { severity: "s", rule: "r", tenant: "t", channel: "c" };
          var controls = {};
          keys.forEach(function (k) { controls[k] = doc.getElementById("f-" + k); });
          var search = doc.getElementById("f-q");
          var status = doc.getElementById("f-status");
          var list = function (selector) { return Array.prototype.slice.call(doc.querySelectorAll(selector)); };
          var rows = list("tr[data-t]");
          var articles = list("article.tenant");
          var byTenant = {};
          articles.forEach(function (a) { byTenant[a.getAttribute("data-t")] = a; });
          var overview = list("tr[data-o]");
          var totalFindings = list("tr.finding").length;
          var texts = null;

          function filters() {
            var f = {};
            keys.forEach(function (k) { if (controls[k] && controls[k].value) { f[k] = controls[k].value; } });
            var q = search.value.trim().toLowerCase();
            if (q) { f.q = q; }
            return f;
          }

          function matches(row, i, f) {
            for (var k in f) {
              if (k === "q") {
                if (texts[i].indexOf(f.q) < 0) { return false; }
              } else {
                var v = row.getAttribute("data-" + attr[k]);
                if (!v || (" " + v + " ").indexOf(" " + f[k] + " ") < 0) { return false; }
              }
            }
            return true;
          }

          function apply() {
            var f = filters();
            var names = Object.keys(f);
            var rowFilter = names.some(function (k) { return k !== "tenant"; });
            if (f.q && !texts) { texts = rows.map(function (r) { return r.textContent.toLowerCase(); }); }
            var shown = 0;
            rows.forEach(function (row, i) {
              var ok = matches(row, i, f);
              row.hidden = !ok;
              if (ok && row.classList.contains("finding")) { shown += 1; }
            });
            var tenants = 0;
            articles.forEach(function (a) {
              var visible = !f.tenant || a.getAttribute("data-t") === f.tenant;
              if (visible && rowFilter) { visible = a.querySelector("tr[data-t]:not([hidden])") !== null; }
              a.hidden = !visible;
              if (visible) { tenants += 1; }
              Array.prototype.forEach.call(a.querySelectorAll(".block"), function (b) {
                b.hidden = rowFilter && b.querySelector("tbody tr") !== null && b.querySelector("tbody tr:not([hidden])") === null;
              });
            });
            overview.forEach(function (row) {
              var a = byTenant[row.getAttribute("data-o")];
              row.hidden = a ? a.hidden : (names.length > 0);
            });
            status.textContent = names.length ?
              "Showing " + shown + " of " + totalFindings + " findings, in " + tenants + " of " + articles.length + " tenant sections" : "";
          }

          function toHash() {
            var f = filters();
            var parts = Object.keys(f).map(function (k) { return k + "=" + encodeURIComponent(f[k]); });
            try {
              history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
            } catch (e) { /* a file: URL may refuse; the filter still applies */ }
          }

          function fromHash() {
            var f = {};
            location.hash.replace(/^#/, "").split("&").forEach(function (p) {
              var i = p.indexOf("=");
              if (i > 0) {
                try { f[decodeURIComponent(p.slice(0, i))] = decodeURIComponent(p.slice(i + 1).replace(/\\+/g, " ")); } catch (e) { }
              }
            });
            keys.forEach(function (k) { if (controls[k]) { controls[k].value = f[k] || ""; } });
            search.value = f.q || "";
            apply();
          }

          keys.forEach(function (k) {
            if (controls[k]) { controls[k].addEventListener("change", function () { apply(); toHash(); }); }
          });
          var timer = null;
          search.addEventListener("input", function () {
            clearTimeout(timer);
            timer = setTimeout(function () { apply(); toHash(); }, 150);
          });
          doc.getElementById("f-reset").addEventListener("click", function () {
            keys.forEach(function (k) { if (controls[k]) { controls[k].value = ""; } });
            search.value = "";
            apply();
            toHash();
          });
          window.addEventListener("hashchange", function () { if (location.hash.indexOf("=") > 0) { fromHash(); } });

          var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
          function sortBy(table, th, col) {
            var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
            Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
            th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
            var numeric = th.classList.contains("num");
            var body = table.tBodies[0];
            var items = Array.prototype.map.call(body.rows, function (row, i) {
              var cell = row.cells[col];
              var v = cell ? (cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent.trim()) : "";
              var n = parseFloat(v.replace(/[\\s\\u202f]/g, "").replace("\\u2212", "-"));
              return { row: row, key: numeric ? (isNaN(n) ? -Infinity : n) : v, i: i };
            });
            items.sort(function (a, b) {
              var c = numeric ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : collator.compare(a.key, b.key);
              return c !== 0 ? c * dir : a.i - b.i;
            });
            var frag = doc.createDocumentFragment();
            items.forEach(function (it) { frag.appendChild(it.row); });
            body.appendChild(frag);
          }
          list("table.sortable").forEach(function (table) {
            if (!table.tHead || !table.tBodies[0]) { return; }
            Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
              var button = doc.createElement("button");
              button.type = "button";
              button.className = "sort";
              while (th.firstChild) { button.appendChild(th.firstChild); }
              th.appendChild(button);
              button.addEventListener("click", function () { sortBy(table, th, col); });
            });
          });

          bar.hidden = false;
          fromHash();
        })();
        """
}
