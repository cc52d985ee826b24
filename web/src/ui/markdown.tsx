import type { ComponentChildren } from 'preact';
import { Lexer, type Token, type Tokens } from 'marked';

/**
 * Markdown from scraped pages, shown without ever becoming markup: marked only splits it
 * into tokens, and each token becomes an element Preact creates, its text set as text.
 * Raw HTML in the markdown is shown as the text it is; a link is a link only to http(s) or
 * mailto (never javascript: or data:), and opens with no referrer; images are not loaded
 * (they would come from the page's own hosts), their text and address are shown instead.
 */
const SAFE_LINK = /^(https?:|mailto:)/i;

function href(url: string): string | undefined {
  try {
    const parsed = new URL(url, 'https://invalid.example/');
    return SAFE_LINK.test(url.trim()) && SAFE_LINK.test(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function inline(tokens: Token[] | undefined): ComponentChildren {
  return (tokens ?? []).map((token, i) => {
    switch (token.type) {
      case 'strong':
        return <strong key={i}>{inline((token as Tokens.Strong).tokens)}</strong>;
      case 'em':
        return <em key={i}>{inline((token as Tokens.Em).tokens)}</em>;
      case 'del':
        return <del key={i}>{inline((token as Tokens.Del).tokens)}</del>;
      case 'codespan':
        return <code key={i}>{(token as Tokens.Codespan).text}</code>;
      case 'br':
        return <br key={i} />;
      case 'link': {
        const link = token as Tokens.Link;
        const target = href(link.href);
        return target ? (
          <a key={i} href={target} target="_blank" rel="noopener noreferrer nofollow">
            {inline(link.tokens)}
          </a>
        ) : (
          <span key={i}>{inline(link.tokens)}</span>
        );
      }
      case 'image': {
        const image = token as Tokens.Image;
        return <span key={i} class="md-image">{`[image: ${image.text || 'no description'}] ${image.href}`}</span>;
      }
      case 'text': {
        const text = token as Tokens.Text;
        return text.tokens ? <span key={i}>{inline(text.tokens)}</span> : text.text;
      }
      case 'escape':
        return (token as Tokens.Escape).text;
      default:
        // html, tag and anything unknown: its source, as text.
        return token.raw;
    }
  });
}

function block(tokens: Token[]): ComponentChildren {
  return tokens.map((token, i) => {
    switch (token.type) {
      case 'heading': {
        const heading = token as Tokens.Heading;
        // Headings of a page shown inside ours start below the dashboard's own h2.
        const Tag = `h${Math.min(6, heading.depth + 2)}` as 'h3';
        return <Tag key={i}>{inline(heading.tokens)}</Tag>;
      }
      case 'paragraph':
        return <p key={i}>{inline((token as Tokens.Paragraph).tokens)}</p>;
      case 'blockquote':
        return <blockquote key={i}>{block((token as Tokens.Blockquote).tokens)}</blockquote>;
      case 'code':
        return (
          <pre key={i} class="code-frame">
            {(token as Tokens.Code).text}
          </pre>
        );
      case 'hr':
        return <hr key={i} />;
      case 'list': {
        const list = token as Tokens.List;
        const items = list.items.map((item, j) => <li key={j}>{block(item.tokens)}</li>);
        return list.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
      }
      case 'table': {
        const table = token as Tokens.Table;
        return (
          <table key={i}>
            <thead>
              <tr>
                {table.header.map((cell, j) => (
                  <th key={j} scope="col">
                    {inline(cell.tokens)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, j) => (
                <tr key={j}>
                  {row.map((cell, k) => (
                    <td key={k}>{inline(cell.tokens)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        );
      }
      case 'space':
        return null;
      case 'text': {
        const text = token as Tokens.Text;
        return <p key={i}>{text.tokens ? inline(text.tokens) : text.text}</p>;
      }
      default:
        return <p key={i}>{token.raw}</p>;
    }
  });
}

export function Markdown({ source }: { source: string }) {
  return <div class="markdown">{block(new Lexer({ gfm: true }).lex(source))}</div>;
}
