// Copies the value of the input named by data-copy. The page works without it: the
// field is selectable and read-only.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const input = document.getElementById(button.getAttribute('data-copy'));
  const status = document.getElementById('copy-status');
  input.select();
  navigator.clipboard.writeText(input.value).then(
    () => {
      if (status) status.textContent = 'Copied to the clipboard.';
    },
    () => {
      if (status) status.textContent = 'Select the value and copy it.';
    },
  );
});
