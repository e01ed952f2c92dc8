//! What the compose pane says of where a reply goes: on the requester's
//! channel when the desk answers on it (the demo desk answers on every
//! one), else by email, saying where the request came from. An SMS is
//! counted in messages as it is typed; a public social channel is warned of.

use crate::desk::{Channel, TicketSummary};
use crate::text::sms;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub text: String,
    /// Said as a warning: the answer is public.
    pub warn: bool,
}

/// Where a reply with `text` to `ticket` goes, on a desk that answers on
/// the channels `delivers` itself.
pub fn delivery(ticket: &TicketSummary, delivers: &[Channel], text: &str) -> Delivery {
    let came_by = ticket.channel;
    let on = if delivers.contains(&came_by) {
        came_by
    } else {
        Channel::Email
    };
    let said = |text: String| Delivery { text, warn: false };
    match on {
        Channel::Sms => {
            let count = sms::segments(text);
            let messages = match count.messages {
                1 => "1 message".to_string(),
                n => format!("{n} messages"),
            };
            let unicode = if count.unicode { ", unicode" } else { "" };
            said(format!(
                "by SMS · {} characters{unicode}, {messages}",
                count.units
            ))
        }
        Channel::Social => Delivery {
            text: "⚠ on social media, in public: anyone can read it".into(),
            warn: true,
        },
        Channel::Web => said("on the web portal".into()),
        Channel::Chat => said("in the chat".into()),
        Channel::Email | Channel::Phone | Channel::WalkIn | Channel::Unknown => {
            let to = match ticket.requester.email.as_str() {
                "" => "by email".to_string(),
                email => format!("by email to {email}"),
            };
            let came = match came_by {
                Channel::Email | Channel::Unknown => String::new(),
                other => format!(" (the request came by {})", other.name()),
            };
            said(format!("{to}{came}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::*;
    use crate::text::SafeText;

    fn on(channel: Channel) -> TicketSummary {
        let mut t = TicketSummary::example();
        t.channel = channel;
        t.requester.email = SafeText::line("parent@example.org");
        t
    }

    #[test]
    fn a_desk_that_only_mails_says_so_and_where_the_request_came_from() {
        let email_only = [Channel::Email];
        let sms = delivery(&on(Channel::Sms), &email_only, "Bus 24 is late");
        assert_eq!(
            sms.text,
            "by email to parent@example.org (the request came by sms)"
        );
        let mail = delivery(&on(Channel::Email), &email_only, "");
        assert_eq!(mail.text, "by email to parent@example.org");
    }

    #[test]
    fn an_sms_is_counted_and_social_is_public() {
        let all = Channel::ALL;
        let sms = delivery(&on(Channel::Sms), &all, &"a".repeat(161));
        assert_eq!(sms.text, "by SMS · 161 characters, 2 messages");
        let short = delivery(&on(Channel::Sms), &all, "On its way 🙂");
        assert_eq!(short.text, "by SMS · 13 characters, unicode, 1 message");
        let social = delivery(&on(Channel::Social), &all, "");
        assert!(social.warn && social.text.contains("public"));
    }
}
