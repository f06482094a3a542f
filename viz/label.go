package viz

import (
	"html"
	"strings"
	"text/template"
	"unicode"
)

// Text reaches DOT in two forms. Plain labels (names, shapes, op names) are lines of user
// text: labelText turns them into one DOT escString, and the gographviz escaper quotes it.
// Edge labels that mix black and red text are HTML-like labels built by colorLabel from
// numbers and escaped with html.EscapeString.
//
// gographviz's escaper (Escape.AddNode and friends) quotes a string unless it looks like an
// identifier, a number or HTML. Those three guesses are loose: "a;b" passes as an
// identifier, "1.2.3" as a number, "<b>" as HTML, and "graph" is a keyword; each would
// break the DOT file or change what it says. dotSafe closes those holes before the escaper
// sees the string, so every label renders as the text it was.

// lineText escapes one piece of user text for a DOT escString: backslashes are doubled
// (so "\N" stays two characters instead of meaning the node's name) and line breaks become
// the centred line break "\n".
func lineText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", `\n`)
}

// labelText joins lines of user text into a DOT label, one line each.
func labelText(lines ...string) string {
	esc := make([]string, 0, len(lines))
	for _, l := range lines {
		esc = append(esc, lineText(l))
	}
	return dotSafe(strings.Join(esc, `\n`))
}

// dotSafe prepares an attribute value or label for the gographviz escaper.
func dotSafe(s string) string {
	if s == "" {
		return `""`
	}
	// A leading '<' would make the escaper leave the string unquoted as an HTML label.
	// In an escString "\<" is just "<".
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) }); i >= 0 && s[i] == '<' {
		s = s[:i] + `\` + s[i:]
	}
	if plainID(s) || numeral(s) {
		return s
	}
	if escaperLeavesBare(s) {
		// Quote it the way the escaper quotes: entities for HTML's special characters,
		// which Graphviz decodes, so no '"' is left to end the string early.
		return `"` + template.HTMLEscapeString(s) + `"`
	}
	return s
}

var keywords = map[string]bool{"node": true, "edge": true, "graph": true, "digraph": true, "subgraph": true, "strict": true}

// plainID reports whether s is a DOT identifier that needs no quotes.
func plainID(s string) bool {
	if s == "" || keywords[strings.ToLower(s)] {
		return false
	}
	for i, r := range s {
		letter := r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && !(i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// numeral reports whether s is a DOT numeral: -?(.[0-9]+ | [0-9]+(.[0-9]*)?).
func numeral(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	digits, dots := 0, 0
	for _, r := range s {
		switch {
		case r == '.':
			dots++
		case '0' <= r && r <= '9':
			digits++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

// escaperLeavesBare reports whether gographviz's escaper would write s unquoted: its
// tests for HTML, identifiers and numbers, restated. s never starts with '<' here.
func escaperLeavesBare(s string) bool {
	if len(s) >= 2 && strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`) {
		return true // it may pass as a string literal and lose its quotes
	}
	// identifier, by gographviz's rule: a letter first, then anything but space - / .
	first := true
	id := true
	for _, r := range s {
		if first {
			first = false
			if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r >= 0x80 && unicode.IsLetter(r) && r != 'ε') {
				id = false
				break
			}
		}
		if unicode.IsSpace(r) || r == '-' || r == '/' || r == '.' {
			id = false
			break
		}
	}
	if id {
		return true
	}
	// number, by gographviz's rule: digits and dots after an optional '-'
	state := 0
	for _, r := range s {
		isDigit := '0' <= r && r <= '9' || r >= 0x80 && unicode.IsDigit(r)
		switch state {
		case 0:
			switch {
			case isDigit || r == '.':
				state = 2
			case r == '-':
				state = 1
			default:
				return false
			}
		case 1:
			if isDigit || r == '.' {
				state = 2
			}
		default:
			if r != '.' && !isDigit {
				return false
			}
		}
	}
	return state == 2
}

// colorLabel builds an HTML-like label: black lines, then lines in color (red for the
// gradient, blue for the tangent). Every line is escaped, so the label holds no markup but
// ours.
func colorLabel(black, red []string, color string) string {
	var b strings.Builder
	b.WriteByte('<')
	for i, l := range black {
		if i > 0 {
			b.WriteString("<BR/>")
		}
		b.WriteString(html.EscapeString(l))
	}
	if len(red) > 0 {
		if len(black) > 0 {
			b.WriteString("<BR/>")
		}
		b.WriteString(`<FONT COLOR="` + color + `">`)
		for i, l := range red {
			if i > 0 {
				b.WriteString("<BR/>")
			}
			b.WriteString(html.EscapeString(l))
		}
		b.WriteString("</FONT>")
	}
	b.WriteByte('>')
	return b.String()
}
