"""What the compliance linter looks for: the patterns of links, contact details, moves off
Upwork, placeholders, stock phrases and hidden instructions, and the hosts they are judged by.

Data and small predicates only. :func:`bidboard.drafting.lint.lint_draft` applies them to
:func:`fold`'s copy of the text (Unicode compatibility forms folded, zero-width characters
dropped, case folded), so each pattern is written in lower case and without obfuscation.
"""

from __future__ import annotations

import re
import unicodedata

from bidboard.alerts.jobkey import is_upwork_host

INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
TLDS = (
    r"com|net|org|io|co|dev|app|ai|me|us|uk|de|fr|es|it|nl|ca|au|in|ru|info|biz|xyz|ly|gl"
    r"|gd|link|site|online|tech|page|store|shop|cc|tv|gg|so|to|ws|pro|eu|ch|se|pl|br"
)
# a dot, spaced out or spelled; "word. It" is a sentence break and "in .NET" a product, not domains
DOT = r"(?:\.(?!\s)|\s+\.\s+|\s*[\[({]\s*(?:\.|dot)\s*[\])}]\s*|\s+dot\s+)"
AT = r"(?:\s*@\s*|\s*[\[({]\s*(?:@|at)\s*[\])}]\s*|\s+at\s+)"
SHORTENERS = (
    "bit.ly",
    "t.co",
    "tinyurl.com",
    "goo.gl",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "tiny.cc",
    "lnkd.in",
    "s.id",
    "rb.gy",
)
MESSENGER_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com|t\.me"
    r"|telegram\.me|telegram\.dog|discord\.gg|discord\.com/invite|signal\.me|m\.me"
    r"|join\.skype\.com|zoom\.us/j)/[^\s<>\"')\]]*(?<![.,;:!?])"
)
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+(?<![.,;:!?])")
DOMAIN = re.compile(
    rf"\b([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:{DOT}[a-z0-9-]+)*){DOT}({TLDS})"
    r"\b(?:/[^\s<>\"')\]]*)?"
)
PRODUCT_NAMES = {
    "asp.net",
    "vb.net",
    "ado.net",
    "socket.io",
    "make.com",
    "next.js",
    "node.js",
    "vue.js",
    "react.js",
    "nuxt.js",
    "d3.js",
    "three.js",
    "chart.js",
    "express.js",
    "ember.js",
    "backbone.js",
    "moment.js",
    "deno.land",
    "bubble.io",
    "glide.io",
    "monday.com",
    "hubspot.com",
    "salesforce.com",
    "booking.com",
    "fiverr.com",
}
AT_MARKED = r"(?:\s*@\s*|\s*[\[({]\s*(?:@|at)\s*[\])}]\s*)"
MAIL_PROVIDERS = (
    r"gmail|googlemail|yahoo|outlook|hotmail|live|proton|protonmail|icloud|aol"
    r"|gmx|yandex|zoho|mail|fastmail|tutanota|hey"
)
# john@x.com, john[at]x[dot]com; a spaced " at " only with a spelled-out dot or a mail provider
EMAIL = re.compile(
    rf"[a-z0-9][a-z0-9._%+-]*{AT_MARKED}[a-z0-9-]+(?:{DOT}[a-z0-9-]+)*{DOT}(?:{TLDS})\b"
    rf"|[a-z0-9][a-z0-9._%+-]*\s+at\s+(?:[a-z0-9-]+(?:\s*[\[({{]\s*dot\s*[\])}}]\s*|\s+dot\s+)"
    rf"(?:{TLDS})\b|(?:{MAIL_PROVIDERS}){DOT}(?:{TLDS})\b)"
)
PHONE = re.compile(r"(?<![\w$.,])\+?\(?\d(?:[\s().\-/]{0,3}\d){8,14}(?![\w%])")
HANDLE = re.compile(
    r"\b(?:skype|telegram|whatsapp|discord|signal|wechat|viber|line|kik|snapchat|insta(?:gram)?"
    r"|facebook|fb)\b\s*(?:id|handle|username|name|number|no\.?)?\s*(?:[:=]|is)\s*[@+]?"
    r"[\w.:#-]{3,}|\blive:[\w.-]{3,}|(?:telegram|tg)\s*@\w{4,}"
)
OFF_PLATFORM = re.compile(
    r"\b(?:(?:move|continue|talk|chat|speak|reach (?:out to )?me|contact me|message me|connect|"
    r"ping me|add me|text me|dm me|hit me up|write to me|discuss (?:this|it|more|further))"
    r"(?:\s+\w+){0,3}?\s+(?:on|via|through|over|in|at)\s+(?:telegram|whatsapp|skype|discord|"
    r"signal|wechat|viber|email|e-mail|gmail|linkedin|slack|phone|sms|zoom|google meet|"
    r"my website|facebook|messenger|instagram))"
    r"|\blet'?s (?:move|take this|continue|talk|chat)(?:\s+\w+){0,3}\s+(?:to|on|over)\s+"
    r"(?:telegram|whatsapp|skype|discord|signal|email|phone|zoom|slack)"
    r"|\b(?:call|ring|text|whatsapp|telegram) me\b|\bgive me a (?:call|ring)\b"
    r"|\b(?:outside|off|away from|around|bypass(?:ing)?)\s+(?:of\s+)?(?:the\s+)?upwork\b"
    r"|\b(?:pay|paying|payment|transfer)\b(?:\s+\w+){0,4}\s+(?:directly|outside|via paypal|"
    r"through paypal|by paypal|via wise|via crypto|in crypto|via bank transfer|"
    r"by bank transfer|via western union|with crypto)"
    r"|\b(?:paypal|venmo|cash ?app|zelle|western union|bitcoin|usdt)\b"
    r"|\bavoid(?:ing)?\s+(?:the\s+)?(?:upwork\s+)?(?:fees?|commission)"
    r"|\bdirect (?:contract|deal|payment)s?\b"
)
PLACEHOLDER = re.compile(
    r"\[(?:[a-z][a-z .'/-]{1,40}|insert[^\]]{0,60}|your[^\]]{0,40})\]"
    r"|\{\{?\s*[a-z_][a-z0-9_ .]{0,40}\s*\}?\}|<\s*(?:insert[^>]{0,40}|[a-z_ ]{2,30} here)\s*>"
    r"|\bxx+x\b|\btodo\b|\btbd\b|\blorem ipsum\b|\bclient'?s? name\b|\b(?:name|company) here\b"
    r"|_{4,}"
)
# Hosts that are a way to reach a person, never a portfolio, whatever the agency lists.
CONTACT_HOSTS = (
    "linkedin.com",
    "lnkd.in",
    "facebook.com",
    "fb.com",
    "m.me",
    "instagram.com",
    "twitter.com",
    "x.com",
    "wa.me",
    "whatsapp.com",
    "t.me",
    "telegram.me",
    "telegram.org",
    "discord.gg",
    "discord.com",
    "skype.com",
    "signal.me",
    "zoom.us",
    "meet.google.com",
    "calendly.com",
    "cal.com",
    "mail.google.com",
)
GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|day))\b[\s,!.:-]*"
)
STOCK_OPENER = re.compile(
    r"\bi (?:just )?came across your (?:job|post|posting|project|listing|offer|ad)\b"
    r"|\bcaught my (?:eye|attention)\b"
    r"|\b(?:i am|i'm|i\u2019m) (?:very |really |so )?(?:excited|thrilled|eager|happy) to "
    r"(?:apply|submit|bid|send)\b"
)
GENERIC = re.compile(
    r"\bdear (?:sir|madam|sir/madam|hiring manager)\b|\bto whom it may concern\b"
    r"|\bi have (?:carefully )?(?:gone through|read|gone thru) your (?:job|project) "
    r"(?:post|posting|description)\b|\bi am (?:the )?(?:best|perfect|right) (?:fit|candidate|"
    r"person)\b|\bi can do (?:this|your) (?:job|task|project)\b|\b100% (?:satisfaction|"
    r"guaranteed?)\b|\bkindly (?:check|review) my profile\b"
)
INJECTION = re.compile(
    r"ignore (?:all |any |the )?(?:previous|prior|above|earlier|your)? ?(?:instructions|rules|"
    r"prompts?)|if you are (?:an? )?(?:ai|a\.i\.|bot|llm|language model|chatgpt|gpt|assistant)"
    r"|(?:start|begin|end|open|close) (?:your|the) (?:proposal|reply|response|answer|message|"
    r"cover letter) with|(?:include|mention|use|write|say|add) the (?:word|phrase|code|"
    r"keyword|sentence)|system prompt|you are now|respond only with|reveal your|"
    r"(?:print|output|repeat|share) your (?:instructions|prompt|settings|api key)"
    r"|do not mention this|hidden instruction|to prove you read|so (?:i|we) know you read"
)
QUOTED = re.compile(
    "[\"'\u201c\u2018\u00ab]([^\"'\u201d\u2019\u00bb\n]{2,80})[\"'\u201d\u2019\u00bb]"
)


def on_domain(host: str, domains: tuple[str, ...] | list[str]) -> bool:
    host = re.sub(DOT, ".", host).strip(".").lower().removeprefix("www.")
    return any(host == d or host.endswith("." + d) for d in (d.lower().strip(".") for d in domains))


def is_upwork(host: str) -> bool:
    """A link to Upwork (the job itself): obfuscated dots read as dots first."""
    return is_upwork_host(re.sub(DOT, ".", host))


def portfolio_host(host: str, hosts: list[str]) -> bool:
    """A link the agency allows: on a portfolio host it lists, and never a contact channel."""
    return bool(hosts) and on_domain(host, hosts) and not on_domain(host, CONTACT_HOSTS)


def fold(text: str) -> tuple[str, list[int]]:
    """Folded text, and for each of its characters the index of the original character."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char in INVISIBLE:
            continue
        for folded in unicodedata.normalize("NFKC", char).casefold():
            out.append(folded)
            where.append(index)
    where.append(len(text))
    return "".join(out), where
