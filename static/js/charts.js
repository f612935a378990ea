// Charts of the dashboards: every element with data-chart holds an ECharts option as JSON
// (written by ledger.charts.chart_option on the server, escaped as an attribute, so the
// page needs no inline script). The table beside each chart carries the same figures.
(function () {
  "use strict";

  function draw(el) {
    if (typeof echarts === "undefined") return;
    var option;
    try {
      option = JSON.parse(el.getAttribute("data-chart"));
    } catch (e) {
      return;
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
