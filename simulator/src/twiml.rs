//! Messaging TwiML (§4.2): what the app answers to the inbound webhook, read with `quick-xml`.
//!
//! * An empty (or all-whitespace) answer, or a `<Response>` without verbs (`<Response/>`), means
//!   no reply.
//! * The root must be `<Response>`. A document that is not well-formed XML (unclosed or
//!   mismatched tags, an unknown entity, text or a second element after the root) or whose root
//!   is another element (an HTML error page, say) is a parse failure: debugger error 12100
//!   "Document parse failure", and no reply is sent.
//! * Each `<Message>` becomes one reply. Its text is the text directly inside it followed by the
//!   text of its `<Body>` nouns, with surrounding whitespace trimmed (the trimming is the
//!   simulator's choice); each `<Media>` noun's trimmed text is one media URL. Attributes: `to`,
//!   `from`, `action` (the reply's status callback URL; relative URLs are resolved against the
//!   webhook URL) and the deprecated `statusCallback` (used when `action` is absent); `method`
//!   is ignored (callbacks are always POSTs).
//! * Anything else is skipped with debugger warning 12200 "Schema validation warning": other
//!   verbs (`<Redirect>` is not followed by the simulator), other children of `<Message>`, text
//!   directly inside `<Response>`. The rest of the document still runs.
//! * The answer's `Content-Type` is not checked (whether Twilio accepts `text/plain` is
//!   UNCONFIRMED, §4.2).

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// The most `<Message>` replies carried out for one inbound message: Twilio's limit (warning
/// 14109 "TwiML Reply message limit exceeded": "the limit for replies to one inbound message is
/// 10").
pub(crate) const MAX_REPLIES: usize = 10;

/// One `<Message>` verb.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TwimlMessage {
    /// The text, trimmed; may be empty.
    pub(crate) body: String,
    /// `<Media>` URLs, in document order, trimmed.
    pub(crate) media: Vec<String>,
    /// The `to` attribute.
    pub(crate) to: Option<String>,
    /// The `from` attribute.
    pub(crate) from: Option<String>,
    /// `action`, else `statusCallback`.
    pub(crate) status_callback: Option<String>,
}

/// A parsed TwiML answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Twiml {
    /// The `<Message>` verbs, in document order.
    pub(crate) messages: Vec<TwimlMessage>,
    /// What was skipped (each a 12200 warning), in document order.
    pub(crate) warnings: Vec<String>,
}

/// An element with its attributes and children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every descendant text, concatenated.
    fn text(&self) -> String {
        let mut s = String::new();
        for child in &self.children {
            match child {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) => s.push_str(&e.text()),
            }
        }
        s
    }
}

fn element(start: &BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute in <{name}>: {e}"))?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad value of {key} in <{name}>: {e}"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
    })
}

/// The document's root element.
///
/// # Errors
/// Why `doc` is not one well-formed XML element.
fn parse_tree(doc: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(doc);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let place = |el: Element, stack: &mut Vec<Element>, root: &mut Option<Element>| {
        if let Some(parent) = stack.last_mut() {
            parent.children.push(Node::Element(el));
            Ok(())
        } else if root.is_none() {
            *root = Some(el);
            Ok(())
        } else {
            Err(format!("a second root element <{}>", el.name))
        }
    };
    let text = |s: String, stack: &mut Vec<Element>| match stack.last_mut() {
        Some(parent) => {
            parent.children.push(Node::Text(s));
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err(format!("text outside the root element: {:?}", s.trim())),
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("{e} (at byte {})", reader.error_position()))?;
        match event {
            Event::Start(start) => {
                if root.is_some() && stack.is_empty() {
                    return Err("content after the root element".to_owned());
                }
                stack.push(element(&start)?);
            }
            Event::Empty(start) => place(element(&start)?, &mut stack, &mut root)?,
            Event::End(_) => {
                // quick-xml has already checked that the name matches the open element.
                let el = stack.pop().ok_or("an end tag without a start tag")?;
                place(el, &mut stack, &mut root)?;
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| e.to_string())?.into_owned();
                text(s, &mut stack)?;
            }
            Event::CData(c) => {
                let s = c.decode().map_err(|e| e.to_string())?.into_owned();
                text(s, &mut stack)?;
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(ch) => ch.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| e.to_string())?;
                        resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?
                            .to_owned()
                    }
                };
                text(s, &mut stack)?;
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{}> is not closed", open.name));
    }
    root.ok_or_else(|| "no root element".to_owned())
}

/// Reads the app's answer `doc`.
///
/// # Errors
/// Why it is not a TwiML document (debugger error 12100); see the module docs.
pub(crate) fn parse(doc: &str) -> Result<Twiml, String> {
    let mut twiml = Twiml::default();
    if doc.trim().is_empty() {
        return Ok(twiml);
    }
    let root = parse_tree(doc)?;
    if root.name != "Response" {
        return Err(format!(
            "the root element is <{}>, not <Response>",
            root.name
        ));
    }
    for child in &root.children {
        match child {
            Node::Element(e) if e.name == "Message" => {
                twiml.messages.push(message(e, &mut twiml.warnings));
            }
            Node::Element(e) if e.name == "Redirect" => twiml
                .warnings
                .push("<Redirect> is not followed by the simulator".to_owned()),
            Node::Element(e) => twiml
                .warnings
                .push(format!("<{}> is not a Messaging TwiML verb", e.name)),
            Node::Text(t) if !t.trim().is_empty() => twiml.warnings.push(format!(
                "text directly inside <Response> is ignored: {:?}",
                t.trim()
            )),
            Node::Text(_) => {}
        }
    }
    Ok(twiml)
}

fn message(e: &Element, warnings: &mut Vec<String>) -> TwimlMessage {
    let mut body = String::new();
    let mut media = Vec::new();
    for child in &e.children {
        match child {
            Node::Text(t) => body.push_str(t),
            Node::Element(b) if b.name == "Body" => body.push_str(&b.text()),
            Node::Element(m) if m.name == "Media" => media.push(m.text().trim().to_owned()),
            Node::Element(other) => {
                warnings.push(format!("<{}> is not a noun of <Message>", other.name));
            }
        }
    }
    TwimlMessage {
        body: body.trim().to_owned(),
        media,
        to: e.attr("to").map(str::to_owned),
        from: e.attr("from").map(str::to_owned),
        status_callback: e
            .attr("action")
            .or_else(|| e.attr("statusCallback"))
            .map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(body: &str) -> TwimlMessage {
        TwimlMessage {
            body: body.to_owned(),
            ..TwimlMessage::default()
        }
    }

    #[test]
    fn empty_answers_mean_no_reply() {
        for doc in [
            "",
            "  \n",
            "<Response/>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response />",
            "<Response>\n  <!-- nothing -->\n</Response>",
        ] {
            assert_eq!(parse(doc).unwrap(), Twiml::default(), "{doc}");
        }
    }

    #[test]
    fn messages_with_text_nouns_and_attributes() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Message>Hello &amp; welcome &#x1F600;</Message>
  <Message to="+14155550199" from="+14155550100" action="/status" statusCallback="/old" method="GET">
    <Body>Two</Body>
    <Media>https://x.test/a.jpg</Media>
    <Media> https://x.test/b.png </Media>
  </Message>
  <Message statusCallback="https://cb.test/s"><![CDATA[a < b]]></Message>
</Response>"#;
        let t = parse(doc).unwrap();
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
        assert_eq!(t.messages.len(), 3);
        assert_eq!(t.messages[0], msg("Hello & welcome 😀"));
        assert_eq!(
            t.messages[1],
            TwimlMessage {
                body: "Two".into(),
                media: vec!["https://x.test/a.jpg".into(), "https://x.test/b.png".into()],
                to: Some("+14155550199".into()),
                from: Some("+14155550100".into()),
                status_callback: Some("/status".into()),
            }
        );
        assert_eq!(t.messages[2].body, "a < b");
        assert_eq!(
            t.messages[2].status_callback.as_deref(),
            Some("https://cb.test/s")
        );
    }

    #[test]
    fn unknown_verbs_and_nouns_are_warnings() {
        let t = parse(
            "<Response>hi<Redirect>/next</Redirect><Say>x</Say><Message>ok<Foo/></Message></Response>",
        )
        .unwrap();
        assert_eq!(t.messages, vec![msg("ok")]);
        assert_eq!(t.warnings.len(), 4, "{:?}", t.warnings);
        assert!(t.warnings[1].contains("Redirect"));
    }

    #[test]
    fn broken_documents_are_parse_failures() {
        for doc in [
            "<Response><Message>Hi</Response>",
            "<Response><Message>Hi</Message>",
            "<Response>&nbsp;</Response>",
            "<Response/><Response/>",
            "<Response/>trailing",
            "Thanks!",
            "<html><body>oops</body></html>",
            "{\"reply\": \"hi\"}",
            "<Response><Message a=\"1\" a=\"2\">x</Message></Response>",
        ] {
            assert!(parse(doc).is_err(), "{doc}");
        }
        assert!(parse("<html/>").unwrap_err().contains("<html>"));
    }
}
