//! Bot tokens sealed for storage: ChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`) with a
//! random 12-byte nonce for every seal and the workspace's team id as associated data, so a
//! ciphertext copied to another workspace's row does not open. The key is derived from
//! `ARCHHOUR_SECRET_KEY` (HMAC-SHA256 with a label of its own, so it is never the key that
//! signs the cookies); each sealed token names the key that sealed it by a short id derived the
//! same way. `ARCHHOUR_SECRET_KEY_PREVIOUS`, when set, still opens what it sealed, and
//! [`TokenCipher::is_stale`] says which tokens to seal again with the current key.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::domain::ids::TeamId;

/// A token as stored: the ciphertext (with its 16-byte tag), its nonce, and the key's id.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedToken {
    pub ciphertext: Vec<u8>,
    pub nonce: Vec<u8>,
    pub key_id: String,
}

impl std::fmt::Debug for SealedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedToken")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Why a sealed token does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsealError {
    #[error(
        "the token was sealed with key {0}, which is neither ARCHHOUR_SECRET_KEY nor ARCHHOUR_SECRET_KEY_PREVIOUS"
    )]
    UnknownKey(String),
    #[error("the sealed token is not authentic (changed, or moved from another workspace)")]
    NotAuthentic,
}

/// One key: the cipher and its id.
struct SealingKey {
    id: String,
    cipher: ChaCha20Poly1305,
}

impl SealingKey {
    fn derive(secret: &[u8]) -> SealingKey {
        SealingKey {
            id: hex::encode(&labelled(secret, b"archhour key id")[..4]),
            cipher: ChaCha20Poly1305::new(&labelled(secret, b"archhour bot tokens v1").into()),
        }
    }
}

/// HMAC-SHA256 of `label` under `secret`: a key for one purpose only.
fn labelled(secret: &[u8], label: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

/// Seals and opens bot tokens with the current key, and opens with the previous one.
pub struct TokenCipher {
    current: SealingKey,
    previous: Option<SealingKey>,
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCipher")
            .field("current", &self.current.id)
            .field("previous", &self.previous.as_ref().map(|key| &key.id))
            .finish()
    }
}

impl TokenCipher {
    /// `current` is `ARCHHOUR_SECRET_KEY` decoded, `previous` `ARCHHOUR_SECRET_KEY_PREVIOUS`.
    pub fn new(current: &[u8], previous: Option<&[u8]>) -> TokenCipher {
        TokenCipher {
            current: SealingKey::derive(current),
            previous: previous.map(SealingKey::derive),
        }
    }

    /// The current key's id.
    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    /// Seals `token` for `team` with the current key and a fresh random nonce.
    pub fn seal(&self, team: &TeamId, token: &SecretString) -> SealedToken {
        let nonce: [u8; 12] = rand::random();
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: token.expose_secret().as_bytes(),
                    aad: team.as_str().as_bytes(),
                },
            )
            .expect("a bot token is far below ChaCha20-Poly1305's length limit");
        SealedToken {
            ciphertext,
            nonce: nonce.to_vec(),
            key_id: self.current.id.clone(),
        }
    }

    /// Opens a token sealed for `team`, with whichever key sealed it.
    pub fn open(&self, team: &TeamId, sealed: &SealedToken) -> Result<SecretString, UnsealError> {
        let key = [Some(&self.current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|key| key.id == sealed.key_id)
            .ok_or_else(|| UnsealError::UnknownKey(sealed.key_id.clone()))?;
        let nonce: [u8; 12] = sealed
            .nonce
            .as_slice()
            .try_into()
            .map_err(|_| UnsealError::NotAuthentic)?;
        let plain = key
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: team.as_str().as_bytes(),
                },
            )
            .map_err(|_| UnsealError::NotAuthentic)?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| UnsealError::NotAuthentic)
    }

    /// Whether `sealed` was sealed with another key than the current one, and should be sealed
    /// again.
    pub fn is_stale(&self, sealed: &SealedToken) -> bool {
        sealed.key_id != self.current.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: [u8; 32] = [1; 32];
    const NEW: [u8; 32] = [2; 32];

    fn token() -> SecretString {
        SecretString::from("xoxb-1234-secret")
    }

    fn opened(
        cipher: &TokenCipher,
        team: &str,
        sealed: &SealedToken,
    ) -> Result<String, UnsealError> {
        cipher
            .open(&TeamId::from(team), sealed)
            .map(|token| token.expose_secret().to_string())
    }

    #[test]
    fn a_sealed_token_opens_for_its_team_and_is_not_plain_text() {
        let cipher = TokenCipher::new(&NEW, None);
        let sealed = cipher.seal(&TeamId::from("T1"), &token());
        assert_eq!(
            opened(&cipher, "T1", &sealed),
            Ok("xoxb-1234-secret".into())
        );
        assert!(!sealed.ciphertext.windows(5).any(|w| w == b"xoxb-"));
        assert_eq!(sealed.nonce.len(), 12);
        assert_eq!(sealed.ciphertext.len(), "xoxb-1234-secret".len() + 16);
    }

    #[test]
    fn each_seal_takes_a_new_nonce() {
        let cipher = TokenCipher::new(&NEW, None);
        let first = cipher.seal(&TeamId::from("T1"), &token());
        let second = cipher.seal(&TeamId::from("T1"), &token());
        assert_ne!(first.nonce, second.nonce);
        assert_ne!(first.ciphertext, second.ciphertext);
    }

    #[test]
    fn a_token_moved_to_another_team_does_not_open() {
        let cipher = TokenCipher::new(&NEW, None);
        let sealed = cipher.seal(&TeamId::from("T1"), &token());
        assert_eq!(
            opened(&cipher, "T2", &sealed),
            Err(UnsealError::NotAuthentic)
        );
    }

    #[test]
    fn a_changed_byte_anywhere_is_refused() {
        let cipher = TokenCipher::new(&NEW, None);
        let sealed = cipher.seal(&TeamId::from("T1"), &token());
        for index in 0..sealed.ciphertext.len() {
            let mut tampered = sealed.clone();
            tampered.ciphertext[index] ^= 1;
            assert_eq!(
                opened(&cipher, "T1", &tampered),
                Err(UnsealError::NotAuthentic),
                "byte {index}"
            );
        }
        let mut tampered = sealed.clone();
        tampered.nonce[0] ^= 1;
        assert_eq!(
            opened(&cipher, "T1", &tampered),
            Err(UnsealError::NotAuthentic)
        );
    }

    #[test]
    fn after_a_rotation_the_previous_key_still_opens_and_is_stale() {
        let before = TokenCipher::new(&OLD, None);
        let sealed = before.seal(&TeamId::from("T1"), &token());
        let after = TokenCipher::new(&NEW, Some(&OLD));
        assert_ne!(after.current_key_id(), sealed.key_id);
        assert!(after.is_stale(&sealed));
        assert_eq!(opened(&after, "T1", &sealed), Ok("xoxb-1234-secret".into()));
        let resealed = after.seal(&TeamId::from("T1"), &token());
        assert!(!after.is_stale(&resealed));
        // Once the previous key is dropped, what it sealed no longer opens.
        let later = TokenCipher::new(&NEW, None);
        assert_eq!(
            opened(&later, "T1", &sealed),
            Err(UnsealError::UnknownKey(sealed.key_id.clone()))
        );
        assert_eq!(
            opened(&later, "T1", &resealed),
            Ok("xoxb-1234-secret".into())
        );
    }

    #[test]
    fn the_key_id_depends_on_the_key_alone() {
        assert_eq!(
            TokenCipher::new(&NEW, None).current_key_id(),
            TokenCipher::new(&NEW, Some(&OLD)).current_key_id()
        );
        assert_eq!(TokenCipher::new(&NEW, None).current_key_id().len(), 8);
        assert_ne!(
            TokenCipher::new(&NEW, None).current_key_id(),
            TokenCipher::new(&OLD, None).current_key_id()
        );
    }
}
