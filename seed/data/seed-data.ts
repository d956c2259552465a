import type { SeedData, SeedSource, SeedTimelineEvent } from '../seed.types';

/**
 * Every fact below comes from one of the articles in seed/articles/ and names it, so that
 * test/unit/seed/seed-data.test.ts can check it against the text. Nothing is added that the
 * articles do not say: no URL (none of them gives one), no outlet or date they do not give.
 * Where a date had to be derived (a weekday without a year, "demain matin"), the derivation
 * is written next to it and listed, with its reason, in the test's DERIVED table.
 */

const PASS = '000_f46d593f81e3144c.txt';
const ANTS = '001_8a6a43e80279192f.txt';
const TES = '002_d036acc674b416bc.txt';
const PEGASUS = '003_df39a5de5e689379.txt';
const LEAKS = '004_64a3a74e9caf1621.txt';

/** The file header reads "date 2021-12"; the text names Numerama and its Cyberguerre section. */
const numerama = (quote?: string): SeedSource => ({
  article: PASS,
  outlet: 'Numerama',
  publishedAt: '2021-12',
  ...(quote ? { quote } : {}),
});

/** Header "date 2023-09"; "Contacté par Siècle Digital" names the outlet. */
const siecleDigital = (quote?: string): SeedSource => ({
  article: ANTS,
  outlet: 'Siècle Digital',
  publishedAt: '2023-09',
  ...(quote ? { quote } : {}),
});

/**
 * The text names no outlet of its own ("nos collègues de Numerama" rules Numerama out) and
 * no publication date, only its title.
 */
const tesArticle = (quote?: string): SeedSource => ({
  article: TES,
  title: 'Fichier TES : un spécialiste de la surveillance des réseaux comme aide du gouvernement ?',
  ...(quote ? { quote } : {}),
});

/**
 * Le HuffPost (« À voir également sur Le HuffPost »), copied by L'ABESTIT. "ce jeudi 22
 * juillet" has no year; 22 July fell on a Thursday in 2021, and the photo caption's
 * 20 juillet 2020 is in the past and the Tokyo Games are about to open: 2021.
 */
const huffpost = (quote?: string): SeedSource => ({
  article: PEGASUS,
  outlet: 'Le HuffPost',
  publishedAt: '2021-07-22',
  ...(quote ? { quote } : {}),
});

/**
 * No outlet is named. The year is not printed: the second round of a presidential election
 * with François Hollande as président de la République, after "début 2017" → May 2017.
 */
const leaksArticle = (quote?: string): SeedSource => ({
  article: LEAKS,
  title: 'MacronLeaks : la vigilance des autorités « afin de ne pas altérer la sincérité du scrutin »',
  publishedAt: '2017-05',
  ...(quote ? { quote } : {}),
});

/** Events that belong on more than one claim's timeline. */
const marocConteste: SeedTimelineEvent = {
    key: 'maroc-conteste-et-attaque-en-diffamation',
    kind: 'event',
    at: '2021-07',
    who: 'Royaume du Maroc',
    text: 'Le Maroc conteste son implication dans l’affaire, destinée selon lui à « déstabiliser la relation diplomatique profonde entre le Maroc et la France », et a décidé d’attaquer Amnesty et Forbidden Stories en diffamation devant le tribunal correctionnel de Paris.',
    verbatim: false,
    source: huffpost(
      'Le royaume chérifien conteste son implication dans cette affaire d’espionnage destinée, selon lui, à “déstabiliser la relation diplomatique profonde entre le Maroc et la France” et a décidé d’attaquer en diffamation Amnesty et Forbidden Stories devant le tribunal correctionnel de Paris.',
    ),
  };

const elyseeChangementDeTelephone: SeedTimelineEvent = {
    key: 'elysee-changement-de-telephone',
    kind: 'statement',
    at: '2021-07-22',
    who: 'Élysée',
    text: 'a lui-même changé de téléphone et de numéro de téléphone pour certains échanges',
    verbatim: true,
    source: huffpost(
      'Le président “a lui-même changé de téléphone et de numéro de téléphone pour certains échanges”, a-t-elle ajouté, à l’issue de cette réunion organisée avant son départ pour le Japon afin d’assister à la cérémonie d’ouverture des JO de Tokyo.',
    ),
  };

const documentsDevoiles: SeedTimelineEvent = {
    key: 'documents-devoiles-nuit-du-4-au-5-mai',
    kind: 'event',
    at: '2017-05-05',
    who: 'Pirates, qui restent à identifier',
    text: 'Piratage massif de documents internes de l’équipe d’Emmanuel Macron, dévoilé « dans la nuit du 4 au 5 mai », d’abord propagé via Pastebin puis amplifié par WikiLeaks.',
    verbatim: false,
    source: leaksArticle(
      'On passe dans les travaux pratiques avec ce piratage massif de documents internes de l’équipe d’Emmanuel Macron dévoilé dans la nuit du 4 au 5 mai.',
    ),
  };

const cnccepAppel: SeedTimelineEvent = {
    key: 'cnccep-appel-a-ne-pas-relayer',
    kind: 'statement',
    at: '2017-05',
    who: 'CNCCEP',
    text: 'l’ensemble des acteurs présents sur les sites Internet et les réseaux sociaux, au premier chef les médias, mais également tous les citoyens, à faire preuve d’esprit de responsabilité et à ne pas relayer ces contenus, afin de ne pas altérer la sincérité du scrutin, de ne pas enfreindre les interdictions édictées par la loi et de ne pas s’exposer à la commission d’infractions pénales.',
    verbatim: true,
    source: leaksArticle(
      'Avec ce rebondissement, la CNCCEP rappelle sa vigilance et appelle « l’ensemble des acteurs présents sur les sites Internet et les réseaux sociaux, au premier chef les médias, mais également tous les citoyens, à faire preuve d’esprit de responsabilité et à ne pas relayer ces contenus, afin de ne pas altérer la sincérité du scrutin, de ne pas enfreindre les interdictions édictées par la loi et de ne pas s’exposer à la commission d’infractions pénales. »',
    ),
  };

export const SEED_DATA: SeedData = {
  speakers: [
    { slug: 'gerald-darmanin', kind: 'person', name: 'Gérald Darmanin', role: 'ministre de l’Intérieur', organisation: 'ministère de l’Intérieur' },
    {
      slug: 'ants',
      kind: 'organisation',
      name: 'Agence Nationale des Titres Sécurisés (ANTS)',
      role: 'agence rattachée au ministère de l’Intérieur',
    },
    { slug: 'president-ants', kind: 'person', name: 'Président de l’ANTS', organisation: 'Agence Nationale des Titres Sécurisés (ANTS)' },
    { slug: 'non-attribue', kind: 'unattributed', name: 'Non attribué', role: 'l’article ne nomme pas l’auteur de l’annonce' },
    { slug: 'rue-89', kind: 'organisation', name: 'Rue 89' },
    { slug: 'amnesty-forbidden-stories', kind: 'organisation', name: 'Amnesty et Forbidden Stories', role: 'associations' },
    { slug: 'consortium-17-medias', kind: 'organisation', name: 'Consortium de 17 médias (dont Le Monde et Radio France)' },
    { slug: 'gabriel-attal', kind: 'person', name: 'Gabriel Attal', role: 'porte-parole du gouvernement' },
    { slug: 'francois-hollande', kind: 'person', name: 'François Hollande', role: 'président de la République' },
    {
      slug: 'cnccep',
      kind: 'organisation',
      name: 'Commission nationale de contrôle de la campagne électorale en vue de l’élection présidentielle (CNCCEP)',
    },
  ],

  topics: [
    { slug: 'pass-sanitaire', name: 'Pass sanitaire' },
    { slug: 'cybersecurite', name: 'Cybersécurité' },
    { slug: 'titres-identite', name: 'Titres d’identité' },
    { slug: 'surveillance', name: 'Surveillance' },
    { slug: 'elections', name: 'Élections' },
  ],

  claims: [
    // ── 000: the fake health passes ─────────────────────────────────────────────────────
    {
      slug: 'darmanin-182000-faux-pass-sanitaires',
      title: 'Gérald Darmanin : 182 000 faux pass sanitaires détectés',
      // The article never quotes the minister; this is its own text stating the claim.
      statement:
        'ces dizaines de milliers de faux pass sanitaires illicites dont le ministre de l’Intérieur Gérald Darmanin a largement vanté la découverte depuis lundi 20 décembre 2021',
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      speaker: 'gerald-darmanin',
      speakerRole: 'ministre de l’Intérieur',
      saidAt: '2021-12-20',
      appearance:
        'Annonces du ministère de l’Intérieur à partir du lundi 20 décembre 2021, rapportées par Numerama (Cyberguerre) ; l’article ne cite pas le ministre mot pour mot',
      topics: ['pass-sanitaire', 'cybersecurite'],
      announced: {
        kind: 'count',
        value: 182000,
        unit: 'faux pass sanitaires',
        definition: 'faux pass sanitaires détectés (annoncés par le ministère de l’Intérieur)',
      },
      verdict: {
        rating: 'misleading',
        explanation:
          'Numerama établit que l’écrasante majorité des 182 000 faux pass annoncés sont toujours valides, ce que la Direction générale de la santé confirme à Libération. Selon Numerama, seuls 3 307 pass étaient sur liste noire au moment des annonces, et 3601 vers 16h le 29 décembre 2021, « toujours très loin d’atteindre les 182 000 initialement annoncés ». Selon la DGS, les outils pour les désactiver dans le cadre de procédures judiciaires sont encore « en cours d’élaboration ». L’article ne dément pas le nombre de faux pass découverts ; il montre que la plupart restaient valides.',
      },
      sources: [
        numerama(
          'Les informations de Numerama sur l’écrasante majorité des 182 000 faux pass sanitaires qui sont toujours actifs sont maintenant également confirmées par la Direction générale de la santé.',
        ),
      ],
      measurements: [
        {
          key: 'liste-noire-au-moment-des-annonces',
          value: 3307,
          unit: 'pass sanitaires sur liste noire',
          asOf: '2021-12-20',
          definition: 'pass sanitaires sur liste noire au moment des annonces',
          sameQuantity: false,
          source: numerama('De fait seulement 3 307 pass sanitaires étaient sur liste noire au moment des annonces.'),
          methodNotes:
            'Indicateur indirect : la liste noire compte les pass placés sur liste noire, pas les faux pass détectés. L’article situe ce chiffre « au moment des annonces », qui commencent le lundi 20 décembre 2021 ; il ne dit pas comment il a été obtenu.',
        },
        {
          key: 'liste-noire-2021-12-29',
          value: 3601,
          unit: 'pass sur liste noire',
          // Day precision: the article gives only an approximate hour ("vers 16h"), kept in the notes.
          asOf: '2021-12-29',
          definition: 'pass sanitaires sur liste noire',
          sameQuantity: false,
          source: numerama(
            'En utilisant le script mis en place par le consultant en cybersécurité Piotr Chmielnicki, on voit que le nombre de pass sur liste noire a à peine augmenté pour atteindre 3601 pass, vers 16h le 29 décembre 2021.',
          ),
          methodNotes:
            'Compté par Numerama avec le script mis en place par le consultant en cybersécurité Piotr Chmielnicki. Heure approximative (« vers 16h »). Indicateur indirect : des pass sur liste noire, pas des faux pass détectés.',
        },
      ],
      events: [
        {
          key: 'numerique-travaux-en-cours',
          kind: 'statement',
          at: '2021-12',
          who: 'Cabinet du secrétariat d’État chargé du Numérique, à Cyberguerre',
          text: 'des travaux sont en cours pour améliorer la portée des dispositifs anti fraude',
          verbatim: true,
          source: numerama(
            'Interrogé par Cyberguerre sur cette différence, le cabinet du le secrétariat d’État chargé du Numérique concédait il y a quelques jours que « des travaux sont en cours pour améliorer la portée des dispositifs anti fraude ».',
          ),
        },
        {
          key: 'numerique-liste-noire-impossible',
          kind: 'statement',
          at: '2021-12',
          who: 'Secrétariat d’État chargé du Numérique, à Cyberguerre',
          text: 'Un pass sanitaire ne peut pas encore être placé sur liste noire si la demande ne vient pas de son propriétaire légitime ou du soignant émetteur ; pour le détail des procédures, le secrétariat d’État renvoie vers le ministère de l’Intérieur.',
          verbatim: false,
          source: numerama(
            'Il n’est donc pour l’instant pas possible de placer un pass sanitaire sur liste noire quand ce n’est pas son propriétaire légitime ou le soignant émetteur qui le demande, comme l’expliquait le secrétariat d’État chargé du Numérique à Cyberguerre.',
          ),
        },
        {
          key: 'dgs-confirme-pass-valides',
          kind: 'statement',
          at: '2021-12',
          who: 'Direction générale de la santé (DGS), à Libération',
          text: 'La DGS confirme que les faux pass annoncés sont dans l’écrasante majorité encore valides.',
          verbatim: false,
          source: numerama(
            'En cause : ces documents sont dans l’écrasante majorité encore valides, ce que confirme maintenant également la Direction générale de la santé (DGS), interrogée par Libération.',
          ),
        },
        {
          key: 'dgs-outils-en-cours',
          kind: 'statement',
          at: '2021-12',
          who: 'Direction générale de la santé (DGS), à Libération',
          text: 'ces procédures ainsi que les outils techniques afférents sont en cours d’élaboration.',
          verbatim: true,
          source: numerama(
            'les outils qui devront servir pour désactiver les pass sanitaires dans le cadre de procédure judiciaires ne sont en fait pas encore mis en place, « ces procédures ainsi que les outils techniques afférents sont en cours d’élaboration. »',
          ),
        },
        {
          key: 'interieur-secret-enquete',
          kind: 'event',
          at: '2021-12',
          who: 'Ministère de l’Intérieur',
          text: 'Contacté à plusieurs reprises sur le nombre de pass sur liste noire et les procédures pour les désactiver, le ministère refuse de donner plus de précisions, en renvoyant au secret de l’enquête.',
          verbatim: false,
          source: numerama(
            'Contacté à plusieurs reprises sur le nombre de pass sur liste noire et les procédures en cours pour les désactiver, ce dernier refuse de donner plus de précisions, renvoyant au secret de l’enquête.',
          ),
        },
      ],
    },

    // ── 001: the ANTS outage ────────────────────────────────────────────────────────────
    {
      slug: 'ants-retour-normale-demain-matin',
      title: 'ANTS : retour à la normale « au plus tard demain matin »',
      statement:
        'Un incident en cours depuis le 11 septembre affecte les conditions de recueil et de remise des demandes de cartes d’identité et de passeport. Nos équipes travaillent activement à la résolution de cet incident. Un retour à la normale interviendra au plus tard demain matin.',
      language: 'fr',
      speaker: 'ants',
      // "Il aura fallu attendre le mardi 12 septembre à 20h pour avoir une première
      // communication de l'ANTS"; the year comes from the header (2023-09), and 12 September
      // 2023 was indeed a Tuesday.
      saidAt: '2023-09-12T20:00',
      appearance: 'Réseaux sociaux de l’ANTS, mardi 12 septembre 2023 à 20h (sa première communication sur l’incident)',
      topics: ['titres-identite'],
      announced: {
        kind: 'deadline',
        // "demain matin", written on Tuesday 12 September at 20h, is read as Wednesday
        // 13 September 2023 before noon: the latest reading of "matin".
        dueAt: '2023-09-13',
        definition:
          'Retour à la normale du recueil et de la remise des demandes de cartes d’identité et de passeports, promis « au plus tard demain matin » dans un message du mardi 12 septembre 2023 à 20h ; « demain matin » est lu comme le mercredi 13 septembre 2023 avant midi.',
      },
      sources: [
        siecleDigital(
          'L’ANTS a déclaré sur ses réseaux sociaux « Un incident en cours depuis le 11 septembre affecte les conditions de recueil et de remise des demandes de cartes d’identité et de passeport. Nos équipes travaillent activement à la résolution de cet incident. Un retour à la normale interviendra au plus tard demain matin. ».',
        ),
      ],
      measurements: [
        {
          key: 'ants-depuis-le-retour-a-la-normale',
          delivered: true,
          asOf: '2023-09',
          definition:
            'Retour à la normale du recueil et de la remise des demandes de cartes d’identité et de passeports, déclaré par l’ANTS elle-même, sans date : on ne peut pas dire s’il est intervenu avant l’échéance.',
          sameQuantity: true,
          source: siecleDigital(
            'Contacté par Siècle Digital, l’ANTS affirme « Toutes les mesures ont été prises pour que cela ne se reproduise pas. Depuis le retour à la normale, aucun problème de connexion ne s’est reproduit. »',
          ),
          methodNotes:
            'Déclaration de l’auteur de la promesse, recueillie par Siècle Digital : ce n’est pas une mesure indépendante. Elle porte bien sur la même chose (le retour à la normale), mais ne le date pas ; la date de la déclaration n’est pas donnée non plus (article de septembre 2023).',
        },
      ],
      events: [
        {
          key: 'alfortville-delivrance-suspendue',
          kind: 'statement',
          at: '2023-09-11',
          who: 'Ville d’Alfortville, sur son compte X',
          text: 'Suite à un problème de connexion au site national ANTS, le pôle relation usager n’est pas en mesure d’assurer la délivrance des titres d’identité (cartes d’identité, passeport) cet après-midi et jusqu’à nouvel ordre. Merci de votre compréhension',
          verbatim: true,
          source: siecleDigital(
            '« Suite à un problème de connexion au site national ANTS, le pôle relation usager n’est pas en mesure d’assurer la délivrance des titres d’identité (cartes d’identité, passeport) cet après-midi et jusqu’à nouvel ordre. Merci de votre compréhension » a publié la ville d’Alfortville sur son compte X, lundi matin.',
          ),
        },
        {
          key: 'incident-70-pourcent-bloques',
          kind: 'event',
          at: '2023-09-11',
          who: 'Siècle Digital',
          text: 'Environ 70 % des cartes nationales d’identité et des passeports ont été bloqués lors de l’incident.',
          verbatim: true,
          source: siecleDigital(
            'Lundi 11 et mardi 12 septembre, les papiers d’identité n’ont pas pu être délivrés dans les mairies comme à leurs habitudes. La faute à un bug informatique survenu dans le système de l’Agence Nationale des Titres Sécurisés (ANTS). Environ 70 % des cartes nationales d’identité et des passeports ont été bloqués lors de l’incident.',
          ),
        },
        {
          key: 'ants-communique-changement-de-version',
          kind: 'statement',
          at: '2023-09',
          who: 'ANTS, dans un communiqué',
          text: 'Les mairies ont été confrontées à des déconnexions aléatoires du système. Cet incident a fait suite à un changement de version intervenu dimanche',
          verbatim: true,
          source: siecleDigital(
            'Dans un communiqué, l’ANTS plaide l’incident « Les mairies ont été confrontées à des déconnexions aléatoires du système. Cet incident a fait suite à un changement de version intervenu dimanche ».',
          ),
        },
        {
          key: 'ants-mesures-prises',
          kind: 'statement',
          at: '2023-09',
          who: 'ANTS, à Siècle Digital',
          text: 'Toutes les mesures ont été prises pour que cela ne se reproduise pas.',
          verbatim: true,
          source: siecleDigital(
            'Contacté par Siècle Digital, l’ANTS affirme « Toutes les mesures ont été prises pour que cela ne se reproduise pas. Depuis le retour à la normale, aucun problème de connexion ne s’est reproduit. »',
          ),
        },
      ],
    },
    {
      slug: 'ants-aucune-perte-de-donnees',
      title: 'ANTS : « aucune perte de données n’a été constatée » après la panne',
      statement: 'aucune perte de données n’a été constatée',
      language: 'fr',
      speaker: 'ants',
      saidAt: '2023-09',
      appearance: 'Communiqué de l’ANTS (non daté dans l’article), rapporté par Siècle Digital',
      topics: ['titres-identite'],
      announced: {
        kind: 'qualitative',
        definition: 'Aucune perte de données entre les mises à jour du système de l’ANTS lors de l’incident de septembre 2023.',
      },
      sources: [
        siecleDigital(
          'Dans son communiqué, l’organisme précise qu’« aucune perte de données n’a été constatée » entre les mises à jour du système.',
        ),
      ],
      measurements: [],
      events: [],
    },
    {
      slug: 'ants-depot-demandes-reste-possible',
      title: 'ANTS : le dépôt de demandes est resté possible en mairie pendant la panne',
      statement:
        'le dépôt de demandes est resté possible en mairie de même que la préparation du rendez-vous au moyen d’une pré-demande sur le portail ants.gouv.fr',
      language: 'fr',
      speaker: 'ants',
      saidAt: '2023-09',
      appearance: 'Communiqué de l’ANTS (non daté dans l’article), rapporté par Siècle Digital',
      topics: ['titres-identite'],
      announced: {
        kind: 'qualitative',
        definition:
          'Pendant l’incident, le dépôt de demandes de titres d’identité en mairie et la préparation du rendez-vous par une pré-demande sur le portail ants.gouv.fr sont restés possibles.',
      },
      sources: [
        siecleDigital(
          'Il affirme également que « le dépôt de demandes est resté possible en mairie de même que la préparation du rendez-vous au moyen d’une pré-demande sur le portail ants.gouv.fr ».',
        ),
      ],
      measurements: [],
      events: [
        {
          key: 'usagers-deplaces-pour-rien',
          kind: 'event',
          at: '2023-09',
          who: 'Siècle Digital',
          text: 'Pour celles plus reculées et moins numérisées, de nombreux usagers se sont déplacés pour rien occasionnant quelques incompréhensions.',
          verbatim: true,
          source: siecleDigital(
            'Un message qui s’est propagé sur l’ensemble des comptes des mairies françaises. Pour celles plus reculées et moins numérisées, de nombreux usagers se sont déplacés pour rien occasionnant quelques incompréhensions.',
          ),
        },
      ],
    },

    // ── 002: the TES file ───────────────────────────────────────────────────────────────
    {
      slug: 'tes-appel-offres-5-millions-amesys',
      title: 'TES : Amesys aurait remporté l’appel d’offres de 5 millions d’euros',
      statement:
        "C'est par une annonce de résultat des marchés publics, mis en lumière par Rue 89 qu'on apprend qu'Amesys aurait ainsi remporté l'appel d'offres de 5 millions d'euros lancé par l'Agence Nationale des Titres Sécurisés (ANTS).",
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      // The article cites an award notice that Rue 89 brought to light, in the conditional;
      // it does not say the ANTS announced anything, so the claim is Rue 89's reporting.
      speaker: 'rue-89',
      // Month from the image name the article prints under the paragraph:
      // "marchepublic-amesys-octobe2016-ants" (sic). The notice itself is not dated.
      saidAt: '2016-10',
      appearance:
        'Annonce de résultat de marché public (appel d’offres lancé par l’ANTS), mise en lumière par Rue 89 et reprise par l’article',
      topics: ['surveillance', 'titres-identite'],
      announced: {
        kind: 'money',
        value: 5000000,
        unit: 'euros',
        currency: 'EUR',
        definition:
          'Montant de l’appel d’offres lancé par l’ANTS pour la « maîtrise d’ouvrage technique et des systèmes d’information » du fichier des titres électroniques sécurisés (TES), qu’Amesys « aurait » remporté (conditionnel de l’article).',
      },
      sources: [
        tesArticle(
          "Avec l'opérateur Orange, Amesys serait l'un des prestataires techniques choisis par le gouvernement pour la « maîtrise d’ouvrage technique et des systèmes d’information » relative au fichier des titres électroniques sécurisés (TES).",
        ),
      ],
      measurements: [],
      events: [
        {
          key: 'orange-partie-telecom',
          kind: 'event',
          at: '2016',
          who: 'Rue 89, cité par l’article',
          text: 'Toujours selon Rue 89, Orange, via sa filiale Orange Business Services, serait le prestataire retenu sur la partie télécommunications du futur fichier.',
          verbatim: false,
          source: tesArticle(
            'Ainsi, toujours selon Rue89, Orange, via sa filiale Orange Business Services, serait le prestataire retenu sur la partie télécommunications du futur fichier mis en place par le gouvernement.',
          ),
        },
      ],
    },
    {
      slug: 'fichier-tes-operationnel-en-2017',
      title: 'Le fichier TES « devrait être opérationnel en 2017 »',
      statement:
        "Or aider à la « maîtrise d’ouvrage technique et des systèmes d’information », très concrètement, c'est servir de conseil et d'expert technique durant le développement de la solution de ce fichier qui devrait être opérationnel en 2017.",
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      // The article gives the date without saying who set it.
      speaker: 'non-attribue',
      // The article is undated: it follows an award notice pictured as "octobe2016" and
      // still calls the file "futur".
      saidAt: '2016',
      appearance: 'Échéance donnée par l’article, qui ne dit pas qui l’a annoncée',
      topics: ['surveillance', 'titres-identite'],
      announced: {
        kind: 'deadline',
        // "en 2017": year precision, so on time until the last minute of 2017.
        dueAt: '2017',
        definition:
          'Mise en service du fichier des titres électroniques sécurisés (TES), dit de « 60 millions de gens honnêtes », attendue « en 2017 » : comptée comme tenue si elle intervient au plus tard le 31 décembre 2017.',
      },
      sources: [
        tesArticle(
          "Elle serait le prestataire privilégiée du gouvernement dans le cadre du fichage de tous les français, via le fichier dit de \"60 millions de gens honnêtes\", dont nos collègues de Numerama vous parlaient encore récemment.",
        ),
      ],
      measurements: [],
      events: [],
    },
    {
      slug: 'president-ants-aucun-obstacle-amesys',
      title: 'Président de l’ANTS : nul obstacle juridictionnel à travailler avec Amesys',
      statement:
        "Le président de l'ANTS était un peu plus loquace lui, annonçant qu'il n'y aucun obstacle juridictionnel à travailler avec une société comme Amesys, même dans le cas ou celle-ci fait actuellement l'objet de poursuite judiciaires.",
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      speaker: 'president-ants',
      speakerRole: 'président de l’ANTS',
      saidAt: '2016',
      appearance: 'Propos rapportés par l’article, sans date ni lieu précis',
      topics: ['surveillance'],
      announced: {
        kind: 'qualitative',
        definition:
          'Aucun obstacle juridictionnel à travailler avec Amesys, même poursuivie en justice (l’article rappelle qu’elle est poursuivie pour complicité de torture en Libye).',
      },
      sources: [tesArticle()],
      measurements: [],
      events: [],
    },

    // ── 003: Pegasus ────────────────────────────────────────────────────────────────────
    {
      slug: 'pegasus-50000-numeros',
      title: 'Pegasus : 50 000 numéros sélectionnés par des clients de NSO',
      statement:
        'Selon ces associations, l’affaire concerne une liste de 50.000 numéros de téléphone dans le monde sélectionnés depuis 2016 par les clients de l’entreprise israélienne NSO, qui commercialise Pegasus.',
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      speaker: 'amnesty-forbidden-stories',
      saidAt: '2021-07',
      appearance: 'Chiffre des associations rapporté par Le HuffPost (non daté dans l’article)',
      topics: ['surveillance', 'cybersecurite'],
      announced: {
        kind: 'count',
        value: 50000,
        unit: 'numéros de téléphone',
        definition:
          'Numéros de téléphone dans le monde sélectionnés depuis 2016 par les clients de l’entreprise israélienne NSO, qui commercialise Pegasus (sélectionnés, pas forcément piratés).',
      },
      sources: [huffpost()],
      measurements: [],
      events: [
        marocConteste,
      ],
    },
    {
      slug: 'pegasus-14-membres-du-gouvernement',
      title: 'Pegasus : 14 membres du gouvernement sur la liste, selon les médias',
      statement:
        'Selon les révélations des médias, les numéros de l’ancien Premier ministre Édouard Philippe et de 14 membres du gouvernement figuraient “dans la liste des numéros sélectionnés par un service de sécurité de l’État marocain, utilisateur du logiciel espion Pegasus, pour un potentiel piratage”.',
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      speaker: 'consortium-17-medias',
      saidAt: '2021-07',
      appearance: 'Révélations du consortium de 17 médias, rapportées par Le HuffPost (non datées dans l’article)',
      topics: ['surveillance', 'cybersecurite'],
      announced: {
        kind: 'count',
        value: 14,
        unit: 'membres du gouvernement',
        definition:
          'Membres du gouvernement dont les numéros figuraient dans la liste des numéros sélectionnés par un service de sécurité de l’État marocain « pour un potentiel piratage » ; l’ancien Premier ministre Édouard Philippe est cité en plus.',
      },
      sources: [huffpost()],
      measurements: [],
      events: [
        marocConteste,
      ],
    },
    {
      slug: 'pegasus-numero-emmanuel-macron',
      title: 'Pegasus : un numéro d’Emmanuel Macron figurait sur la liste',
      statement:
        'Ce Conseil de défense avait été organisé à la suite des informations sorties par Le Monde et Radio France, qui font partie du consortium de 17 médias à l’origine des révélations sur un système d’espionnage de masse lié au logiciel Pegasus. Elles avaient révélé qu’un numéro du chef de l’État figurait “dans la liste des numéros sélectionnés par un service de sécurité de l’État marocain, utilisateur du logiciel espion Pegasus, pour un potentiel piratage”.',
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      speaker: 'consortium-17-medias',
      saidAt: '2021-07',
      appearance: 'Informations du Monde et de Radio France, rapportées par Le HuffPost (non datées dans l’article)',
      topics: ['surveillance', 'cybersecurite'],
      announced: {
        kind: 'qualitative',
        definition:
          'Un numéro du chef de l’État figurait dans la liste des numéros sélectionnés par un service de sécurité de l’État marocain « pour un potentiel piratage ».',
      },
      sources: [huffpost()],
      measurements: [],
      events: [
        {
          key: 'attal-enquete-ne-dit-pas-si-infectes',
          kind: 'statement',
          at: '2021-07',
          who: 'Gabriel Attal, porte-parole du gouvernement, sur France Inter',
          text: 'Gabriel Attal précise que l’enquête ne dit pas si les téléphones du président ont « été tous effectivement infectés », ni si des données en ont été retirées.',
          verbatim: false,
          source: huffpost(
            'Avant la réunion, il avait précisé sur France Inter que cette enquête ne disait pas si les téléphones du président avaient ”été tous effectivement infectés, si des données en ont été ‘retirées’”.',
          ),
        },
        {
          key: 'conseil-de-defense-protocoles',
          kind: 'event',
          at: '2021-07-22',
          who: 'Emmanuel Macron, en Conseil de défense',
          text: 'Au cours d’un Conseil de défense exceptionnel dédié à l’affaire Pegasus, Emmanuel Macron demande « un renforcement de tous les protocoles de sécurité » des moyens de communication sensibles.',
          verbatim: false,
          source: huffpost(
            'PEGASUS – Emmanuel Macron a demandé ce jeudi 22 juillet, au cours d’un Conseil de défense exceptionnel dédié à l’affaire Pegasus, “un renforcement de tous les protocoles de sécurité” des moyens de communication sensibles, a indiqué l’Élysée en début de soirée.',
          ),
        },
        elyseeChangementDeTelephone,
        {
          key: 'elysee-aucune-certitude',
          kind: 'statement',
          at: '2021-07-22',
          who: 'Élysée',
          text: 'aucune certitude à ce stade n’est apparue, donc la prudence reste de mise dans les commentaires',
          verbatim: true,
          source: huffpost(
            'Répétant que si les faits étaient “avérés”, ils seraient ”évidemment très graves”, la présidence précise qu’“aucune certitude à ce stade n’est apparue, donc la prudence reste de mise dans les commentaires”.',
          ),
        },
      ],
    },
    {
      slug: 'attal-plan-100-millions-cyberattaques',
      title: 'Gabriel Attal : un plan de 100 millions d’euros contre les cyberattaques',
      statement:
        'Plus globalement, Gabriel Attal a affirmé l’importance de “protéger les secteurs public et économique” du pays, rappelant qu’un plan de “100 millions d’euros” avait été lancé depuis un an pour ”équiper nos hôpitaux et aider nos collectivités locales” à faire face aux cyberattaques.',
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      speaker: 'gabriel-attal',
      speakerRole: 'porte-parole du gouvernement',
      saidAt: '2021-07',
      appearance: 'Propos rapportés par Le HuffPost ; l’article ne dit ni où ni quel jour exactement',
      topics: ['cybersecurite'],
      announced: {
        kind: 'money',
        value: 100000000,
        unit: 'euros',
        currency: 'EUR',
        definition:
          'Montant du plan lancé « depuis un an » pour « équiper nos hôpitaux et aider nos collectivités locales » à faire face aux cyberattaques.',
      },
      sources: [huffpost()],
      measurements: [],
      events: [],
    },
    {
      slug: 'attal-telephones-president-changes',
      title: 'Gabriel Attal : les téléphones du président sont changés régulièrement',
      statement:
        'Les téléphones (du Président) sont changés régulièrement. Il y a un certain nombre de paramètres de sécurité qui protègent, qui sont changés très régulièrement. Il y a des protections qui sont faites',
      language: 'fr',
      speaker: 'gabriel-attal',
      speakerRole: 'porte-parole du gouvernement',
      saidAt: '2021-07',
      appearance: 'Propos rapportés par Le HuffPost ; l’article ne dit ni où ni quel jour exactement',
      topics: ['surveillance', 'cybersecurite'],
      announced: {
        kind: 'qualitative',
        definition:
          'Les téléphones du président et leurs paramètres de sécurité sont changés régulièrement (réponse aux critiques sur une possible négligence au sommet de l’État).',
      },
      sources: [
        huffpost(
          '“Les téléphones (du Président) sont changés régulièrement. Il y a un certain nombre de paramètres de sécurité qui protègent, qui sont changés très régulièrement. Il y a des protections qui sont faites”, a assuré Gabriel Attal, rejetant les critiques sur une possible négligence au sommet de l’État.',
        ),
      ],
      measurements: [],
      events: [
        {
          key: 'source-securitaire-parametres-restrictifs',
          kind: 'statement',
          // "mercredi", the day before "ce jeudi 22 juillet".
          at: '2021-07-21',
          who: 'Une source sécuritaire, à l’AFP',
          text: 'les paramètres de sécurité sont les plus restrictifs possibles et les installations d’applications et téléchargements sont bloquées.',
          verbatim: true,
          source: huffpost(
            'Une source sécuritaire avait assuré mercredi à l’AFP que, pour les téléphones portables d’Emmanuel Macron, “les paramètres de sécurité sont les plus restrictifs possibles et les installations d’applications et téléchargements sont bloquées.”',
          ),
        },
        elyseeChangementDeTelephone,
      ],
    },

    // ── 004: MacronLeaks (May 2017: see leaksArticle) ──────────────────────────────────
    {
      slug: 'cnccep-macronleaks-faux-et-fausses-nouvelles',
      title: 'MacronLeaks : des « faux et usages de faux » possibles, selon la CNCCEP',
      statement:
        'Ces derniers pourraient « constituer, au préjudice de ce candidat, des faux et usages de faux, des diffamations et des fausses nouvelles pouvant avoir une influence sur la sincérité du scrutin », selon la CNCCEP.',
      // The source's words reporting the claim, not the speaker's own: shown without quotation marks.
      statementVerbatim: false,
      language: 'fr',
      speaker: 'cnccep',
      saidAt: '2017-05',
      appearance: 'Déclaration de la CNCCEP après sa saisine par l’équipe d’Emmanuel Macron (non datée dans l’article)',
      topics: ['elections', 'cybersecurite'],
      announced: {
        kind: 'qualitative',
        definition:
          'Les éléments circulant sur Internet et les réseaux sociaux « depuis le 3 mai dans la soirée » pourraient constituer des faux et usages de faux, des diffamations et des fausses nouvelles au préjudice du candidat Emmanuel Macron.',
      },
      sources: [leaksArticle()],
      measurements: [],
      events: [
        {
          key: 'elements-circulant-depuis-le-3-mai',
          kind: 'event',
          at: '2017-05-03',
          who: 'CNCCEP (selon sa déclaration)',
          text: 'Des éléments circulent sur Internet et les réseaux sociaux « depuis le 3 mai dans la soirée ».',
          verbatim: false,
          source: leaksArticle(
            'l’équipe du candidat d’Emmanuel Macron a saisi vendredi la Commission nationale de contrôle de la campagne électorale en vue de l’élection présidentielle « à propos d’éléments circulant sur Internet et les réseaux sociaux depuis le 3 mai dans la soirée ».',
          ),
        },
        documentsDevoiles,
        {
          key: 'saisine-cnccep-vendredi',
          kind: 'event',
          // "vendredi", after the night of 4 to 5 May 2017: Friday 5 May 2017.
          at: '2017-05-05',
          who: 'Équipe d’Emmanuel Macron',
          text: 'L’équipe du candidat Emmanuel Macron saisit la CNCCEP.',
          verbatim: false,
          source: leaksArticle(
            'l’équipe du candidat d’Emmanuel Macron a saisi vendredi la Commission nationale de contrôle de la campagne électorale en vue de l’élection présidentielle',
          ),
        },
        {
          key: 'dossier-transmis-au-procureur',
          kind: 'event',
          at: '2017-05',
          who: 'CNCCEP',
          text: 'Le dossier est transmis au procureur de la République « pour avis », en application de l’article 40 du code de procédure pénale.',
          verbatim: false,
          source: leaksArticle(
            'Le dossier a été transmis au procureur de la République « pour avis » en application de l’article 40 du code de procédure pénale.',
          ),
        },
        cnccepAppel,
      ],
    },
    {
      slug: 'hollande-macronleaks-rien-sans-reponse',
      title: 'MacronLeaks : « Rien ne sera laissé sans réponse », dit François Hollande',
      statement:
        'On savait qu’il y aurait ces risques-là durant la campagne présidentielle puisque ça s’était produit ailleurs. Rien ne sera laissé sans réponse',
      language: 'fr',
      speaker: 'francois-hollande',
      speakerRole: 'président de la République',
      // "samedi", the day after "vendredi" 5 May 2017: Saturday 6 May 2017.
      saidAt: '2017-05-06',
      appearance: 'En marge d’une visite officielle à l’Institut du Monde Arabe à Paris, interrogé par l’AFP',
      topics: ['elections', 'cybersecurite'],
      announced: {
        kind: 'qualitative',
        definition: 'Une réponse sera apportée au piratage et à la diffusion des documents de l’équipe d’Emmanuel Macron (#MacronLeaks).',
      },
      sources: [
        leaksArticle(
          'De son côté, François Hollande a commenté cette affaire samedi en marge d’une visite officielle à l’Institut du Monde Arabe  à Paris. « On savait qu’il y aurait ces risques-là durant la campagne présidentielle puisque ça s’était produit ailleurs. Rien ne sera laissé sans réponse », a déclaré le président de la République, interrogé par l’AFP.',
        ),
      ],
      measurements: [],
      events: [
        documentsDevoiles,
        cnccepAppel,
      ],
    },
  ],
};
