// The contacts directory's chooser, made nicer where JavaScript runs (the grouped select works
// without it): a text filter above the select that keeps only the contacts whose name matches
// what is typed (choosing the first of them when none is chosen yet), and the number or address used filled in from the chosen contact (phone for a
// call, fax for a fax, email, portal) while that field is still empty or holds what was last
// filled in.
(function () {
  "use strict";
  var filter = document.querySelector("[data-contact-filter]");
  if (!filter) {
    return;
  }
  var select = document.getElementById(filter.dataset.contactFilter);
  var label = document.querySelector("[data-contact-filter-label]");
  if (!select) {
    return;
  }
  filter.hidden = false;
  if (label) {
    label.hidden = false;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  filter.addEventListener("input", function () {
    var wanted = fold(filter.value.trim());
    var firstMatch = null;
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var shown = 0;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var match = !wanted || fold(option.textContent).indexOf(wanted) !== -1;
        option.hidden = !match;
        option.disabled = !match && !option.selected;
        if (match) {
          shown += 1;
          firstMatch = firstMatch || option;
        }
      });
      group.hidden = shown === 0;
    });
    var chosen = select.selectedOptions[0];
    if (wanted && firstMatch && (!select.value || (chosen && chosen.hidden))) {
      firstMatch.selected = true;
      select.dispatchEvent(new Event("change"));
    }
  });

  var channel = document.getElementById("id_channel");
  var number = document.getElementById("id_number_used");
  var filled = "";
  var byChannel = { call: "phone", fax: "fax", email: "email", portal: "portal" };

  function fillNumber() {
    if (!number || !channel) {
      return;
    }
    var option = select.selectedOptions[0];
    var key = byChannel[channel.value];
    var value = option && key ? option.getAttribute("data-" + key) || "" : "";
    if (number.value === "" || number.value === filled) {
      number.value = value;
      filled = value;
    }
  }

  select.addEventListener("change", fillNumber);
  if (channel) {
    channel.addEventListener("change", fillNumber);
  }
})();
