// The case forms' diagnosis: the glioma type is only for a glioma. With JavaScript the field
// is hidden (and set to "Not a glioma") while another tumour type is chosen, and comes back
// with what it held when "Glioma" is chosen again. Without JavaScript the field stays shown,
// labelled "gliomas only", and the server refuses a glioma type given to another tumour.
(function () {
  "use strict";
  var tumour = document.getElementById("id_tumour_type");
  var glioma = document.getElementById("id_glioma_type");
  var wrapper = document.getElementById("div_id_glioma_type");
  if (!tumour || !glioma || !wrapper) {
    return;
  }
  var remembered = glioma.value || "unknown";

  function show() {
    var isGlioma = tumour.value === "glioma";
    if (isGlioma) {
      glioma.value = glioma.value || remembered;
    } else if (glioma.value) {
      remembered = glioma.value;
      glioma.value = "";
    }
    wrapper.hidden = !isGlioma;
  }

  tumour.addEventListener("change", show);
  // A glioma type refused by the server stays in sight, with its message.
  if (!glioma.classList.contains("is-invalid")) {
    show();
  }
})();
