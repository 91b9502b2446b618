// Copies the value of the input named by data-copy. The page works without it: the
// field is selectable and read-only. What it says comes from the page, in the page's language
// (data-copied and data-copy-failed of #copy-status).
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const input = document.getElementById(button.getAttribute('data-copy'));
  const status = document.getElementById('copy-status');
  input.select();
  navigator.clipboard.writeText(input.value).then(
    () => {
      if (status) status.textContent = status.dataset.copied;
    },
    () => {
      if (status) status.textContent = status.dataset.copyFailed;
    },
  );
});
