import { el, renderHeader, selectedStore, session, setSelectedStore, showError, signIn, signOut, time, token } from './app.js';

const error = document.getElementById('error');

function show() {
  const s = token() ? session() : null;
  document.getElementById('signed-out').hidden = !!s;
  document.getElementById('signed-in').hidden = !s;
  renderHeader('signin');
  if (!s) return;
  document.getElementById('subject').textContent = s.subject;
  document.getElementById('roles').textContent = s.roles.join(', ');
  document.getElementById('stores').textContent = s.allStores
    ? `every store (*)${s.stores.length ? ` — known: ${s.stores.join(', ')}` : ''}`
    : s.stores.join(', ');
  document.getElementById('expires').textContent = time(s.expiresAt);
  const picker = document.getElementById('store');
  picker.replaceChildren(...s.stores.map((id) => el('option', { value: id, selected: id === selectedStore() }, id)));
}

document.getElementById('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(error, null);
  try {
    await signIn(document.getElementById('token').value);
    document.getElementById('token').value = '';
    const next = new URLSearchParams(location.search).get('next');
    if (next && next.startsWith('/') && !next.startsWith('//')) {
      location.href = next;
      return;
    }
    show();
  } catch (e) {
    signOut();
    showError(error, e);
  }
});

document.getElementById('store').addEventListener('change', (e) => {
  setSelectedStore(e.target.value);
  renderHeader('signin');
});
document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  showError(error, null);
  show();
});

show();
// The form is live (its submit handler attached): browser tests wait for this before typing.
document.documentElement.dataset.ready = 'true';
