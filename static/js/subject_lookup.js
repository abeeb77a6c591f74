// The entry form's subject lookup: finds subjects by name, former name or code (records:subject-lookup) and,
// on a pick, fills the subject's registered name, code and kind into the form. Loaded as a file: the site's
// Content-Security-Policy allows scripts from this site only.
(function () {
  const box = document.querySelector("[data-lookup-url]");
  if (!box) return;
  const form = box.closest("form") || document.querySelector("form.entry-form");
  const input = box.querySelector("input[type=search]");
  const status = box.querySelector(".lookup-status");
  const list = box.querySelector(".lookup-results");

  function setField(code, value) {
    if (!code || !form) return;
    const field = form.elements[code];
    if (!field) return;
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function pick(result) {
    setField(box.dataset.nameField, result.name);
    setField(box.dataset.codeField, result.code);
    if (result.record_kind) setField(box.dataset.kindField, result.record_kind);
    list.replaceChildren();
    status.textContent = "已填入：" + result.name + (result.code ? "（" + result.code + "）" : "");
  }

  async function search() {
    const query = input.value.trim();
    list.replaceChildren();
    if (!query) { status.textContent = "请输入名称或代码。"; return; }
    status.textContent = "查找中…";
    try {
      const url = box.dataset.lookupUrl + "?q=" + encodeURIComponent(query);
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      const data = await response.json();
      status.textContent = data.message || "找到 " + data.results.length + " 个，请选择：";
      for (const result of data.results) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = result.name + (result.code ? "　" + result.code : "") + "　" + result.kind +
          (result.matched.startsWith("曾用名") ? "（" + result.matched + "）" : "");
        button.addEventListener("click", () => pick(result));
        item.append(button);
        list.append(item);
      }
    } catch (error) {
      status.textContent = "查找失败，请稍后重试。";
    }
  }

  box.querySelector("[data-lookup-go]").addEventListener("click", search);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); search(); }
  });
})();
