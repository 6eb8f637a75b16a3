// Support is handled in English only. Before sending, the form shows a plain notice when the text
// does not look English; the API judges it again and answers with a NOT_ENGLISH notice.

const STOPWORDS = new Set(
  'the a an and or but of to in on at for with from by is are was were be been it this that my our your i we you he she they not no can cannot does do did have has had will would should could please when after before since there here what which who how why if then than so also all any some only just'.split(
    ' ',
  ),
);

/** False when the text is long enough to judge and looks like another language. */
export function looksEnglish(text: string): boolean {
  const prose = text
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S*[/\\$_<>{}()=;]\S*/g, ' ');
  const words = prose.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 6) return true;
  const letters = words.join('');
  const ascii = (letters.match(/[a-z]/g) ?? []).length;
  if (ascii / letters.length < 0.85) return false;
  const hits = words.filter((w) => STOPWORDS.has(w)).length;
  return hits / words.length >= 0.12;
}
