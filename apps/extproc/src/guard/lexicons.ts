/** Word lists behind the false-hit guard. Lower-case throughout. */

/** "one" is left out: it is a pronoun far more often than a count ("which one", "one of the best"). */
export const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['zero', 0], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8],
  ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14],
  ['fifteen', 15], ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19], ['twenty', 20],
  ['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
  ['dozen', 12], ['third', 3], ['fourth', 4], ['fifth', 5], ['sixth', 6], ['seventh', 7], ['eighth', 8],
  ['ninth', 9], ['tenth', 10], ['twice', 2], ['thrice', 3], ['double', 2], ['triple', 3],
]);

export const MAGNITUDE_WORDS: ReadonlyMap<string, number> = new Map([
  ['hundred', 100], ['thousand', 1e3], ['million', 1e6], ['billion', 1e9], ['trillion', 1e12],
]);

/** Each group is one unit; the first spelling is the canonical name. */
const UNIT_GROUPS = [
  'km kilometer kilometers kilometre kilometres kms', 'mile miles mi', 'm meter meters metre metres',
  'cm centimeter centimeters centimetre centimetres', 'mm millimeter millimeters millimetre millimetres',
  'inch inches in.', 'ft foot feet', 'yard yards yd', 'kg kilogram kilograms kilo kilos kgs',
  'g gram grams', 'mg milligram milligrams', 'lb lbs pound pounds', 'oz ounce ounces', 'ton tons tonne tonnes',
  'celsius °c centigrade', 'fahrenheit °f', 'kelvin', 'l liter liters litre litres', 'ml milliliter milliliters',
  'gallon gallons gal', 'cup cups', 'tablespoon tablespoons tbsp', 'teaspoon teaspoons tsp',
  'ms millisecond milliseconds', 'sec seconds secs', 'min minute minutes mins', 'hour hours hr hrs h',
  'day days', 'week weeks', 'month months', 'year years yr yrs', 'decade decades', 'century centuries',
  'mph', 'kph km/h kmh', 'byte bytes', 'kb kilobyte kilobytes', 'mb megabyte megabytes',
  'gb gigabyte gigabytes', 'tb terabyte terabytes', 'bit bits', 'kbps', 'mbps', 'gbps',
  'hz hertz', 'khz', 'mhz megahertz', 'ghz gigahertz', 'w watt watts', 'kw kilowatt kilowatts', 'kwh',
  'v volt volts', 'a amp amps ampere amperes', 'mah', 'calorie calories kcal cal', 'joule joules',
  'percent % percentage', 'degree degrees °', 'radian radians',
  '$ dollar dollars usd', '€ euro euros eur', '£ gbp sterling', '¥ yen jpy', 'rupee rupees inr rs',
  'yuan rmb cny', 'bitcoin btc', 'peso pesos', 'franc francs', 'acre acres', 'hectare hectares',
  'sqft', 'px pixel pixels', 'pt point points', 'em', 'rem', 'dpi', 'fps', 'rpm', 'psi', 'bar', 'pascal pa',
  'newton newtons', 'light-year light-years lightyear lightyears', 'au',
];

/**
 * Units that are also everyday English words ("in", "a", "m", "h", "pt", "bar", "em") only count right after a
 * number; the rest count anywhere ("how many days in a year" vs "how many hours in a year").
 */
export const AMBIGUOUS_UNITS = new Set(['in.', 'm', 'g', 'l', 'h', 'w', 'v', 'a', 'min', 'sec', 'em', 'rem',
  'pt', 'point', 'points', 'bar', 'pa', 'au', 'cal', 'mi', 'gal', 'cup', 'cups', 'ms', 'mb', 'rs', 'degree',
  'degrees', 'bit', 'bits', 'ton', 'tons', 'franc', 'francs']);

export const UNITS: ReadonlyMap<string, string> = new Map(
  UNIT_GROUPS.flatMap((g) => {
    const forms = g.split(' ');
    return forms.map((f) => [f, forms[0]!] as const);
  }),
);

export const NEGATIONS = new Set(['not', 'no', 'never', 'without', 'cannot', 'nobody', 'nothing', 'none',
  'neither', 'nor', 'nowhere', "n't", 'unable']);

/** "X+" stands for X, Xs, Xed/Xd and Xing, enough for the regular verbs in the list. */
const OPPOSITES: readonly (readonly [string, string])[] = [
  ['more most', 'less least fewer fewest'], ['before prior', 'after'], ['max maximum maximize maximise', 'min minimum minimize minimise'],
  ['install+ installation', 'uninstall+ uninstallation'], ['enable+', 'disable+'], ['ascending asc', 'descending desc'],
  ['buy+ bought purchase+', 'sell+ sold'], ['create+ creation', 'drop+ dropped dropping delete+ deletion'],
  ['add+ addition', 'remove+ removal subtract+'], ['increase+', 'decrease+ reduce+'], ['higher highest', 'lower lowest'],
  ['high', 'low'], ['bigger biggest larger largest', 'smaller smallest'], ['big large', 'small tiny'],
  ['best', 'worst'], ['better', 'worse'], ['good', 'bad'], ['cheap cheaper cheapest', 'expensive costly'],
  ['fast faster fastest quick quicker', 'slow slower slowest'], ['open+', 'close+ closing'], ['start+', 'stop+ stopped stopping'],
  ['import+', 'export+'], ['upload+', 'download+'], ['push+', 'pull+'], ['encrypt+ encryption', 'decrypt+ decryption'],
  ['compress+ compression', 'decompress+ decompression'], ['encode+ encoding', 'decode+ decoding'], ['lock+', 'unlock+'],
  ['left', 'right'], ['up', 'down'], ['north northern', 'south southern'], ['east eastern', 'west western'],
  ['first earliest', 'last latest'], ['above', 'below'], ['inside', 'outside'], ['hot hottest warm', 'cold coldest cool'],
  ['win wins winning won', 'lose loses losing lost'], ['pros advantages benefits strengths', 'cons disadvantages drawbacks weaknesses'],
  ['positive', 'negative'], ['true', 'false'], ['allow+', 'deny denies denied block+ forbid'], ['accept+', 'reject+'],
  ['input inputs', 'output outputs'], ['client clients', 'server servers'], ['send+ sent', 'receive+'],
  ['rise rising rose', 'fall falling fell'], ['early', 'late'], ['oldest', 'newest'], ['old older', 'new newer young younger'],
  ['long longer longest', 'short shorter shortest'], ['heavy heavier', 'light lighter'], ['men man male boy boys', 'women woman female girl girls'],
  ['husband', 'wife'], ['father dad', 'mother mom mum'], ['legal', 'illegal'], ['same', 'different'],
  ['private', 'public'], ['synchronous sync', 'asynchronous async'], ['mount+', 'unmount+'],
  ['subscribe+', 'unsubscribe+'], ['follow+', 'unfollow+'], ['connect+', 'disconnect+'], ['attach+', 'detach+'],
  ['read+ reading', 'write+ writing wrote written'], ['get+ getter', 'set+ setter'], ['uppercase upper', 'lowercase lower'],
  ['vertical vertically', 'horizontal horizontally'], ['plus', 'minus'], ['multiply+ multiplication', 'divide+ division'],
  ['row rows', 'column columns'], ['internal', 'external'], ['static', 'dynamic'], ['mutable', 'immutable'],
  ['explicit', 'implicit'], ['debit', 'credit'], ['inner', 'outer'], ['front', 'back'],
  ['zip+', 'unzip+'], ['wrap+', 'unwrap+'], ['serialize+ serialise+', 'deserialize+ deserialise+'],
  ['login+ log-in', 'logout+ log-out'], ['sign-in signin', 'sign-out signout'], ['include+', 'exclude+'],
  ['success successful', 'failure failed fail fails'], ['valid', 'invalid'], ['visible show+', 'hidden hide+'],
  ['online', 'offline'], ['upstream', 'downstream'], ['upgrade+', 'downgrade+'], ['love+', 'hate+'],
  ['gain+', 'lose+ loss'], ['strong stronger', 'weak weaker'], ['rich richer', 'poor poorer'], ['happy', 'sad'],
  ['safe', 'dangerous unsafe'], ['easy easier easiest', 'hard harder hardest difficult'],
  ['begin beginning', 'end ending'], ['inbound', 'outbound'], ['ingress', 'egress'],
  ['odd', 'even'], ['forward', 'backward backwards'], ['expand+', 'collapse+'], ['merge+', 'split splitting'],
  ['freeze+ frozen', 'thaw+ unfreeze+'], ['heat+ heating', 'cool+ cooling'], ['entry', 'exit'], ['arrive+ arrival', 'depart+ departure'],
  ['student students', 'teacher teachers'], ['employer employers', 'employee employees'], ['buyer buyers', 'seller sellers'],
  ['parent parents', 'child children'], ['acid acidic', 'base basic alkaline'],
  ['yesterday', 'tomorrow'], ['past', 'future'], ['morning', 'evening night'],
];

const VERB_FORMS = (w: string): string[] => {
  if (!w.endsWith('+')) return [w];
  const b = w.slice(0, -1);
  const stem = b.endsWith('e') ? b.slice(0, -1) : b;
  return [b, `${b}s`, `${b}es`, `${stem}ed`, `${stem}ing`, `${b}d`];
};

const expand = (s: string): string[] => s.split(' ').flatMap(VERB_FORMS);

/** Word to its poles: pole `2i` is the first side of opposite pair `i`, `2i + 1` the second. */
export const OPPOSITE_POLES: ReadonlyMap<string, readonly number[]> = (() => {
  const out = new Map<string, number[]>();
  OPPOSITES.forEach((pair, i) =>
    pair.forEach((side, pole) => {
      for (const w of expand(side)) out.set(w, [...(out.get(w) ?? []), 2 * i + pole]);
    }),
  );
  return out;
})();

/** Members of one group are siblings: swapping one for another changes the answer even in lower case. */
const SIBLING_GROUPS = [
  'python java javascript typescript ruby php perl rust golang kotlin swift scala haskell elixir erlang lua matlab julia dart clojure fortran cobol bash powershell',
  'windows linux macos mac ubuntu debian fedora centos android ios freebsd',
  'chrome firefox safari opera',
  'aws azure gcp',
  'mysql postgres postgresql sqlite mongodb redis cassandra oracle mariadb elasticsearch',
  'react angular vue svelte jquery django flask rails laravel',
  'docker podman kubernetes nomad',
  'npm yarn pnpm pip conda cargo maven gradle',
  'cat cats dog dogs horse horses cow cows rabbit rabbits hamster hamsters parrot parrots fish snake snakes',
  'red blue green yellow black white orange purple pink brown grey gray',
  'monday tuesday wednesday thursday friday saturday sunday',
  'january february march april june july august september october november december',
  'spring summer autumn fall winter',
  'mercury venus earth mars jupiter saturn uranus neptune pluto moon sun',
  'gold silver copper iron aluminium aluminum steel platinum',
  'apple apples banana bananas orange oranges mango mangoes grape grapes strawberry strawberries',
  'coffee tea beer wine milk juice water',
  'vegan vegetarian',
  'iphone android',
  'bitcoin ethereum',
  'hydrogen oxygen nitrogen helium carbon',
  'tcp udp',
  'http https ftp ssh',
  'json yaml xml csv',
  'git svn mercurial',
];

export const SIBLINGS: ReadonlyMap<string, number> = new Map(
  SIBLING_GROUPS.flatMap((g, i) => g.split(' ').map((w) => [w, i] as const)),
);

/** Country and demonym spellings that name the same thing, so "France" and "French" do not look swapped. */
export const DEMONYMS: ReadonlyMap<string, string> = new Map([
  ['french', 'france'], ['british', 'britain'], ['english', 'england'], ['dutch', 'netherlands'],
  ['chinese', 'china'], ['spanish', 'spain'], ['swiss', 'switzerland'], ['greek', 'greece'], ['thai', 'thailand'],
  ['irish', 'ireland'], ['polish', 'poland'], ['danish', 'denmark'], ['finnish', 'finland'], ['turkish', 'turkey'],
  ['scottish', 'scotland'], ['welsh', 'wales'], ['filipino', 'philippines'], ['peruvian', 'peru'], ['uk', 'britain'],
  ['us', 'america'], ['usa', 'america'], ['american', 'america'], ['german', 'germany'], ['japanese', 'japan'],
  ['italian', 'italy'], ['indian', 'india'], ['russian', 'russia'], ['canadian', 'canada'], ['mexican', 'mexico'],
  ['brazilian', 'brazil'], ['swedish', 'sweden'], ['norwegian', 'norway'], ['korean', 'korea'],
  ['australian', 'australia'], ['egyptian', 'egypt'], ['israeli', 'israel'], ['pakistani', 'pakistan'],
]);

/** Capitalised words that do not name anything: sentence-style capitals, titles, pronouns. */
export const NOT_ENTITIES = new Set(['i', "i'm", "i've", "i'd", "i'll", 'mr', 'mrs', 'ms', 'dr', 'ok', 'okay',
  'q', 'a', 'faq', 'pls', 'please', 'hi', 'hello', 'thanks', 'eli5', 'tl', 'tldr', 'vs', 'e.g', 'i.e', 'etc']);

/** Words that carry no content of their own: they never anchor an argument-order check or a weak name. */
export const FUNCTION_WORDS = new Set(
  ('a an the and or but if so of to in on at by for from with about into onto over as than then is am are was ' +
    'were be been being do does did have has had i me my we us our you your he him his she her it its they ' +
    'them their this that these those what which who whom whose when where why how there here can could would ' +
    'should will shall may might must any some anyway actually really just please also very much many tell ' +
    'explain give show describe define write find compare best way ways good some get make use using ' +
    'know need want like one thing things vs versus between difference').split(' '),
);
