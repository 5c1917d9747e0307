// Shows that the page's script ran; the platform must deliver it byte for byte.
const status = document.getElementById('status');
if (status) {
  status.textContent = `Script loaded at ${new Date().toLocaleTimeString()}.`;
}
