// A service record's 内容 label follows its kind: 咨询内容, 投诉内容 or 建议内容.
(function () {
  "use strict";

  function relabel(select) {
    var labels;
    try {
      labels = JSON.parse(select.getAttribute("data-content-labels"));
    } catch (e) {
      return;
    }
    var label = select.form && select.form.querySelector('label[for="id_content"]');
    if (label && labels[select.value]) label.textContent = labels[select.value];
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-content-labels]")) {
      relabel(event.target);
    }
  });
})();
