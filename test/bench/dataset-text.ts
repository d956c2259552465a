/** Word lists for generated claims: French newsroom vocabulary, so pages and text search look like the real thing. */

export const FIRST_NAMES = [
  'Gérald', 'Olivier', 'Agnès', 'Élisabeth', 'Bruno', 'Clément', 'Amélie', 'Gabriel', 'Marlène', 'Sébastien',
  'Aurore', 'Rachida', 'Marc', 'Valérie', 'Jean-Noël', 'Catherine', 'François', 'Nathalie', 'Stéphane', 'Roselyne',
  'Christophe', 'Sylvie', 'Laurent', 'Émilie', 'Julien', 'Florence', 'Patrick', 'Claire', 'Yannick', 'Anne-Sophie',
] as const;

export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier',
  'Morel', 'Girard', 'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez',
] as const;

export const ROLES = [
  "ministre de l'Intérieur", 'ministre de la Santé', "ministre de l'Économie", 'ministre du Travail', "ministre de l'Éducation nationale",
  'Premier ministre', 'porte-parole du gouvernement', 'préfet de police', 'maire', 'président de région', 'secrétaire d’État au numérique',
  'directeur général', 'présidente du conseil départemental', 'député', 'sénatrice',
] as const;

export const ORGANISATIONS = [
  'Ministère de l’Intérieur', 'Ministère de la Santé', 'Agence nationale des titres sécurisés (ANTS)', 'Direction générale de la santé',
  'Pôle emploi', 'SNCF', 'RATP', 'Assurance maladie', 'Caisse des dépôts', 'Agence de l’eau', 'Conseil régional',
  'Préfecture de police', 'Banque de France', 'Météo-France', 'Commission européenne',
] as const;

export const TOPIC_NAMES = [
  'Santé', 'Sécurité', 'Fraude', 'Emploi', 'Logement', 'Transports', 'Éducation', 'Énergie', 'Climat', 'Agriculture',
  'Justice', 'Immigration', 'Numérique', 'Finances publiques', 'Retraites', 'Culture', 'Sport', 'Défense', 'Industrie',
  'Recherche', 'Police', 'Hôpital', 'Vaccination', 'Eau', 'Déchets', 'Routes', 'Ferroviaire', 'Chômage', 'Impôts', 'Europe',
] as const;

export const REGIONS = [
  'Île-de-France', 'Bretagne', 'Normandie', 'Occitanie', 'Grand Est', 'Hauts-de-France', 'Nouvelle-Aquitaine',
  'Auvergne-Rhône-Alpes', 'Provence-Alpes-Côte d’Azur', 'Pays de la Loire', 'Centre-Val de Loire', 'Corse',
] as const;

/** Count units: [plural noun for the title, what exactly is counted]. */
export const COUNT_UNITS = [
  ['faux pass sanitaires', 'faux pass sanitaires détectés'],
  ['policiers', 'policiers supplémentaires affectés sur le terrain'],
  ['logements', 'logements sociaux livrés'],
  ['emplois', 'emplois créés, en équivalent temps plein'],
  ['lits', 'lits d’hôpital ouverts'],
  ['bornes de recharge', 'bornes de recharge publiques installées'],
  ['médecins', 'médecins recrutés dans les déserts médicaux'],
  ['vaccinations', 'injections réalisées'],
  ['contrôles', 'contrôles routiers effectués'],
  ['titres', 'titres d’identité délivrés'],
  ['places de crèche', 'places de crèche créées'],
  ['kilomètres de pistes', 'kilomètres de pistes cyclables aménagés'],
  ['caméras', 'caméras de vidéoprotection installées'],
  ['arbres', 'arbres plantés'],
  ['radars', 'radars automatiques en service'],
] as const;

export const PROXY_UNITS = ['signalements', 'dossiers ouverts', 'pass sur liste noire', 'postes ouverts', 'demandes déposées', 'contrats signés'] as const;

export const MONEY_DEFINITIONS = [
  'crédits engagés', 'économies réalisées', 'investissement public', 'aides versées', 'recettes fiscales supplémentaires', 'fraude détectée',
] as const;

export const PERCENTAGE_DEFINITIONS = [
  'taux de chômage', 'part des trains à l’heure', 'taux de vaccination', 'part d’énergies renouvelables', 'taux d’occupation', 'taux de réussite',
] as const;

export const PROMISES = [
  'Le nouveau portail sera opérationnel',
  'La ligne sera mise en service',
  'Le fichier sera entièrement numérisé',
  'La réforme entrera en vigueur',
  'Le centre de secours ouvrira',
  'Toutes les écoles seront équipées',
  'Le plan sera présenté au Parlement',
  'Les travaux seront terminés',
] as const;

export const QUALITATIVE = [
  'La fraude est en forte baisse',
  'Les délais ont été divisés par deux',
  'Aucune école ne fermera',
  'La situation est sous contrôle',
  'Les files d’attente ont disparu',
  'Le dispositif est un succès',
] as const;

export const VERBS = ['ont été détectés', 'seront créés', 'sont annoncés', 'ont été recensés', 'sont promis', 'ont été déployés'] as const;

export const OUTLETS = [
  ['Le Monde', 'lemonde.fr'],
  ['Libération', 'liberation.fr'],
  ['Le Figaro', 'lefigaro.fr'],
  ['AFP', 'afp.com'],
  ['Franceinfo', 'francetvinfo.fr'],
  ['Ouest-France', 'ouest-france.fr'],
  ['INSEE', 'insee.fr'],
  ['Mediapart', 'mediapart.fr'],
  ['Les Échos', 'lesechos.fr'],
  ['France Inter', 'radiofrance.fr'],
  ['Vie publique', 'vie-publique.fr'],
  ['data.gouv.fr', 'data.gouv.fr'],
] as const;

export const APPEARANCES = [
  'conférence de presse', 'interview sur France Inter', 'communiqué de presse', 'déclaration à l’Assemblée nationale',
  'discours de vœux', 'message sur les réseaux sociaux', 'entretien au Journal du dimanche',
] as const;

export const EVENT_TEXTS = [
  'Le ministère refuse de commenter, invoquant le secret de l’enquête.',
  'La Cour des comptes publie un rapport sur le dispositif.',
  'Le chiffre est repris sans nuance lors d’un débat télévisé.',
  'Le cabinet confirme le chiffre sans en préciser la source.',
  'Un syndicat conteste la méthode de comptage.',
  'Les données détaillées sont publiées en open data.',
] as const;

export const VERDICT_EXPLANATIONS = [
  'Les données publiées depuis restent très loin du chiffre annoncé.',
  'Le chiffre mélange deux choses qui ne se comptent pas de la même façon.',
  'Aucune donnée publique ne permet de vérifier l’annonce.',
  'L’objectif est atteint en partie, avec un retard important.',
  'Les chiffres officiels confirment l’annonce.',
] as const;
