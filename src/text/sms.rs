//! How many text messages a reply takes. An SMS carries 160 characters of
//! the GSM 7-bit alphabet (153 each once it is split, the rest is the
//! header that joins the parts); one character outside it (most emoji,
//! Chinese, curly quotes) sends the whole text as UCS-2, 70 units a message
//! (67 when split). The extension characters (€, [, ], {, }, …) take two.

/// The GSM 03.38 basic alphabet, as printable characters (plus LF and CR).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Reached through the escape character: two septets each.
const EXTENSION: &str = "^{}\\[~]|€\u{c}";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segments {
    /// Characters as the phone counts them (septets, or UTF-16 units).
    pub units: usize,
    pub messages: usize,
    /// Sent as UCS-2: some character is not in the GSM alphabet.
    pub unicode: bool,
}

pub fn segments(text: &str) -> Segments {
    let septets = text.chars().try_fold(0usize, |n, c| {
        if BASIC.contains(c) {
            Some(n + 1)
        } else if EXTENSION.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    });
    let (units, unicode, single, part) = match septets {
        Some(n) => (n, false, 160, 153),
        None => (text.encode_utf16().count(), true, 70, 67),
    };
    let messages = match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(part),
    };
    Segments {
        units,
        messages,
        unicode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_fits_160_then_153_a_part() {
        assert_eq!(segments("").messages, 0);
        assert_eq!(segments(&"a".repeat(160)).messages, 1);
        assert_eq!(segments(&"a".repeat(161)).messages, 2);
        assert_eq!(segments(&"a".repeat(306)).messages, 2);
        assert_eq!(segments(&"a".repeat(307)).messages, 3);
        assert!(!segments("Bus 24 is 10 min late.").unicode);
    }

    #[test]
    fn the_extension_takes_two_and_an_emoji_sends_unicode() {
        let euro = segments("5€");
        assert_eq!((euro.units, euro.unicode), (3, false));
        let smile = segments("On its way 🙂");
        assert!(smile.unicode);
        assert_eq!(smile.units, 13, "the emoji is two UTF-16 units");
        assert_eq!(segments(&"é".repeat(160)).messages, 1, "é is GSM");
        assert_eq!(segments(&"ł".repeat(71)).messages, 2, "ł is not: 67 a part");
    }
}
