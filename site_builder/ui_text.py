"""The words the builder itself writes into pages (overview, method pages, blocks, navigation,
the module template and notices) in each course language. Author text comes from the content
and its translations; Material translates its own interface through `theme.language`.

One dict per language with the same keys (a test keeps them complete); values are
`str.format` templates. Unknown languages read English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType

EN: dict[str, str] = {
    "hour": "{n} hour",
    "hours": "{n} hours",
    "minute": "{n} minute",
    "minutes": "{n} minutes",
    "level.introductory": "Introductory",
    "level.intermediate": "Intermediate",
    "level.advanced": "Advanced",
    "overview.nav": "Overview",
    "modules.nav": "Modules",
    "methods.nav": "Methods",
    "overview.total": "**{count} modules, about {time} of study in total{split}.** "
    "Take them in order, or start where the prerequisites allow.",
    "overview.modules": "Modules",
    "section.title": "Modules {first}–{last}",
    "section.total": "**{count} modules of *{course}*, about {time} of study.**",
    "section.intro": "The modules are grouped in parts; each part's page lists its modules with "
    "what you will be able to do afterwards and your progress.",
    "section.table": "| Part | First module | Study time |",
    "about": "about {time}",
    "split": "{alone} of self-study, {together} in a group",
    "after_module": "After this module you can:",
    "take_first": "Take first: {modules}",
    "take_first.none": "nothing; a good place to start.",
    "progress.text": "0 of {count} modules done",
    "progress.label": "Modules done",
    "progress.export": "Download my progress and reflections (JSON)",
    "progress.reset": "Reset my progress…",
    "progress.reset_question": "Delete your done marks, self-check answers and reflections for "
    "this course from this browser? This cannot be undone: download them first to keep them.",
    "progress.reset_confirm": "Yes, delete them",
    "progress.reset_cancel": "Cancel",
    "method.also_known_as": "Also known as: {names}",
    "method.facts": "**Group size:** {low} to {high} people · **Duration:** about {time}",
    "method.roles": "Roles",
    "method.phases": "Phases",
    "method.evidence": "What is known about its effects",
    "method.sources": "Sources",
    "selfcheck.kicker": "Self-check",
    "selfcheck.one": "Choose one answer.",
    "selfcheck.many": "Choose all answers that apply.",
    "selfcheck.check": "Check answer",
    "selfcheck.right": "Right answer.",
    "selfcheck.wrong": "Not right.",
    "selfcheck.feedback": "Feedback on this answer",
    "reflection.kicker": "Reflection",
    "reflection.label": "Your reflection (stays in this browser only)",
    "reflection.no_script": "Your browser does not run this page's scripts, so this text is "
    "not saved: copy it somewhere safe before you leave.",
    "reflection.print": "Print all my reflections",
    "reflection.download": "Download all my reflections",
    "timeline.summary": "{steps} steps, {total} minutes in total, for groups of {low} to "
    "{high} people.",
    "timeline.minutes": "{n} min",
    "timeline.silent": "Case-bringer silent: listens only",
    "timeline.may_speak": "May speak",
    "timeline.prompts": "Prompts",
    "timeline.who": "Who speaks",
    "timeline.case_bringer": "Case-bringer",
    "timeline.write": "Write in the tool",
    "timeline.everyone": "Everyone",
    "timeline.everyone_but": "Everyone except the case-bringer",
    "timeline.nobody": "Nobody (silence)",
    "contribution.none": "Nothing to write",
    "contribution.case": "The case",
    "contribution.question": "Questions",
    "contribution.answer": "Answers",
    "contribution.key-question": "The key question",
    "contribution.hypothesis": "Hypotheses",
    "contribution.advice": "Advice",
    "contribution.reflection": "A reflection",
    "activity.signup": "Sign-up activity",
    "activity.peer-feedback": "Peer-feedback exercise",
    "activity.other": "Activity",
    "activity.in_tool": "This activity runs in the intervision tool of your course's learning "
    "platform.",
    "activity.elsewhere": "This activity takes place in your course's learning platform "
    "(Moodle or Canvas), not on this public site. Open your course there and choose “{title}” "
    "in this module.",
    "activity.open": "Open “{title}”",
    "module.about": "About this module",
    "module.study": "about {n} minutes of study",
    "module.done": "Mark this module as done",
    "module.nav": "Previous and next module",
    "module.previous": "Previous module: ",
    "module.next": "Next module: ",
    "module.overview": "Course overview",
    "module.back": "Back to the course overview",
    "untranslated.title": "Not translated yet",
    "untranslated.text": "This page has not been translated yet; you are reading the English "
    "original.",
    "kit.nav": "Trainer kit",
    "kit.overview": "Overview",
    "kit.cards": "Phase and role cards",
    "kit.facilitator": "Facilitator guide",
    "kit.sessions": "Running the sessions",
    "js.storage_blocked": "Could not save: this browser blocks local storage here.",
    "js.storage_full": "Could not save: this browser's storage for this site is full.",
    "js.storage_copy": "Copy your text somewhere safe.",
    "js.search": "Search",
    "js.table": "Table (scrolls sideways on small screens)",
    "js.done_undo": "Done – press again to undo",
    "js.done_status": "You marked this module as done; this browser keeps it. Go on with the next "
    "module below.",
    "js.done_badge": "Done",
    "js.progress_one": "{done} of {total} module done",
    "js.progress_other": "{done} of {total} modules done",
    "js.downloaded_one": "Downloaded {n} saved item as my-intervision-progress.json.",
    "js.downloaded_other": "Downloaded {n} saved items as my-intervision-progress.json.",
    "js.nothing_deleted": "Nothing was deleted.",
    "js.deleted_one": "Deleted {n} saved item from this browser: your progress starts again.",
    "js.deleted_other": "Deleted {n} saved items from this browser: your progress starts again.",
    "js.saved": "Saved in this browser.",
    "js.type_answer": "Type your answer: it is saved in this browser as you write.",
    "js.my_reflections": "My reflections: {course}",
    "js.no_reflections": "You have not saved any reflections in this browser yet.",
    "js.choose_many": "Choose at least one answer, then check.",
    "js.choose_one": "Choose an answer, then check.",
    "js.another_right": "Another right answer is still unchosen.",
    "js.correct": "Correct.",
    "js.not_quite": "Not quite.",
    "js.try_again": "Read the feedback, change your answer and check again.",
    "card.silent": "Case-bringer silent",
    "card.may_speak": "May speak",
    "card.title": "{name}: phase and role cards",
    "card.actions": '<a href="{pdf}" download>Download the\n'
    "cards as PDF</a> · Print this page: the phase card fits one A4 page, the role cards "
    "follow.\n"
    'Generated from the method data, like the <a href="{method}">method\n'
    "page</a>.",
    "card.phase_card": "Phase card: {name}",
    "card.meta": "{low}–{high} people ·\n"
    "about {time} · the case-bringer decides what to do with the\n"
    "help.",
    "card.caption": "Phases of {name} with minutes, who speaks, whether\n"
    "the case-bringer is silent, and the goal with the moderator's cues",
    "card.head": (
        '<th scope="col">Phase</th><th scope="col">Min</th><th scope="col">Who speaks</th>\n'
        '<th scope="col">Case-bringer</th><th scope="col">Goal and moderator\'s cues</th>'
    ),
    "card.footer": "A case touching a duty to report? Stop the round and follow the\n"
    '<a href="{escalation}">escalation flowchart</a>. Someone upset? Pause and offer a '
    "choice\n"
    '(<a href="{distress}">distress protocol</a>).',
    "card.roles": "Role cards: {name}",
    "card.listen": (
        "<strong>Listen only in:</strong> {phases}. Take notes if you like; your turn comes after."
    ),
    "card.role_label": "Role card: {name}",
    "card.speak_in": "<strong>You speak in:</strong> {phases}.",
    "card.no_phase": "no phase",
    "card.everyone": "Everyone",
    "card.nobody": "Nobody",
    "card.list_item": "phase card and {n} role cards",
}

NL: dict[str, str] = {
    "hour": "{n} uur",
    "hours": "{n} uur",
    "minute": "{n} minuut",
    "minutes": "{n} minuten",
    "level.introductory": "Inleidend",
    "level.intermediate": "Gevorderd",
    "level.advanced": "Verdiepend",
    "overview.nav": "Overzicht",
    "modules.nav": "Modules",
    "methods.nav": "Methoden",
    "overview.total": "**{count} modules, in totaal ongeveer {time} studietijd{split}.** "
    "Volg ze op volgorde, of begin waar de voorkennis het toelaat.",
    "overview.modules": "Modules",
    "section.title": "Modules {first}–{last}",
    "section.total": "**{count} modules van *{course}*, ongeveer {time} studietijd.**",
    "section.intro": "De modules zijn in delen gegroepeerd; de pagina van elk deel noemt zijn "
    "modules, wat je daarna kunt en hoe ver je bent.",
    "section.table": "| Deel | Eerste module | Studietijd |",
    "about": "ongeveer {time}",
    "split": "{alone} zelfstudie, {together} in een groep",
    "after_module": "Na deze module kun je:",
    "take_first": "Eerst volgen: {modules}",
    "take_first.none": "niets; een goede plek om te beginnen.",
    "progress.text": "0 van {count} modules afgerond",
    "progress.label": "Afgeronde modules",
    "progress.export": "Mijn voortgang en reflecties downloaden (JSON)",
    "progress.reset": "Mijn voortgang wissen…",
    "progress.reset_question": "Je afgevinkte modules, antwoorden op de zelftoetsen en "
    "reflecties voor deze cursus uit deze browser verwijderen? Dit kan niet ongedaan worden "
    "gemaakt: download ze eerst als je ze wilt bewaren.",
    "progress.reset_confirm": "Ja, verwijderen",
    "progress.reset_cancel": "Annuleren",
    "method.also_known_as": "Ook bekend als: {names}",
    "method.facts": "**Groepsgrootte:** {low} tot {high} personen · **Duur:** ongeveer {time}",
    "method.roles": "Rollen",
    "method.phases": "Fasen",
    "method.evidence": "Wat bekend is over de effecten",
    "method.sources": "Bronnen",
    "selfcheck.kicker": "Zelftoets",
    "selfcheck.one": "Kies één antwoord.",
    "selfcheck.many": "Kies alle antwoorden die kloppen.",
    "selfcheck.check": "Antwoord controleren",
    "selfcheck.right": "Juist antwoord.",
    "selfcheck.wrong": "Niet juist.",
    "selfcheck.feedback": "Feedback op dit antwoord",
    "reflection.kicker": "Reflectie",
    "reflection.label": "Je reflectie (blijft alleen in deze browser)",
    "reflection.no_script": "Je browser voert de scripts van deze pagina niet uit, dus deze "
    "tekst wordt niet bewaard: kopieer hem naar een veilige plek voordat je de pagina verlaat.",
    "reflection.print": "Al mijn reflecties afdrukken",
    "reflection.download": "Al mijn reflecties downloaden",
    "timeline.summary": "{steps} stappen, in totaal {total} minuten, voor groepen van {low} "
    "tot {high} personen.",
    "timeline.minutes": "{n} min",
    "timeline.silent": "Inbrenger zwijgt: luistert alleen",
    "timeline.may_speak": "Mag spreken",
    "timeline.prompts": "Vragen om mee te beginnen",
    "timeline.who": "Wie spreekt",
    "timeline.case_bringer": "Inbrenger",
    "timeline.write": "Schrijven in de tool",
    "timeline.everyone": "Iedereen",
    "timeline.everyone_but": "Iedereen behalve de inbrenger",
    "timeline.nobody": "Niemand (stilte)",
    "contribution.none": "Niets te schrijven",
    "contribution.case": "De casus",
    "contribution.question": "Vragen",
    "contribution.answer": "Antwoorden",
    "contribution.key-question": "De kernvraag",
    "contribution.hypothesis": "Hypothesen",
    "contribution.advice": "Adviezen",
    "contribution.reflection": "Een reflectie",
    "activity.signup": "Inschrijfactiviteit",
    "activity.peer-feedback": "Oefening met feedback van intervisiegenoten",
    "activity.other": "Activiteit",
    "activity.in_tool": "Deze activiteit loopt in de intervisietool van de leeromgeving van je "
    "cursus.",
    "activity.elsewhere": "Deze activiteit vindt plaats in de leeromgeving van je cursus "
    "(Moodle of Canvas), niet op deze openbare site. Open daar je cursus en kies “{title}” in "
    "deze module.",
    "activity.open": "“{title}” openen",
    "module.about": "Over deze module",
    "module.study": "ongeveer {n} minuten studietijd",
    "module.done": "Deze module als afgerond markeren",
    "module.nav": "Vorige en volgende module",
    "module.previous": "Vorige module: ",
    "module.next": "Volgende module: ",
    "module.overview": "Cursusoverzicht",
    "module.back": "Terug naar het cursusoverzicht",
    "untranslated.title": "Nog niet vertaald",
    "untranslated.text": "Deze pagina is nog niet vertaald; je leest de Engelse "
    "oorspronkelijke tekst.",
    "kit.nav": "Trainerskit",
    "kit.overview": "Overzicht",
    "kit.cards": "Fase- en rolkaarten",
    "kit.facilitator": "Handleiding voor begeleiders",
    "kit.sessions": "De bijeenkomsten leiden",
    "js.storage_blocked": "Opslaan lukt niet: deze browser blokkeert hier lokale opslag.",
    "js.storage_full": "Opslaan lukt niet: de opslag van deze browser voor deze site is vol.",
    "js.storage_copy": "Kopieer je tekst naar een veilige plek.",
    "js.search": "Zoeken",
    "js.table": "Tabel (scrolt opzij op kleine schermen)",
    "js.done_undo": "Afgerond – druk nogmaals om ongedaan te maken",
    "js.done_status": "Je hebt deze module als afgerond gemarkeerd; deze browser onthoudt dat. Ga "
    "verder met de volgende module hieronder.",
    "js.done_badge": "Afgerond",
    "js.progress_one": "{done} van {total} module afgerond",
    "js.progress_other": "{done} van {total} modules afgerond",
    "js.downloaded_one": "{n} bewaard onderdeel gedownload als my-intervision-progress.json.",
    "js.downloaded_other": "{n} bewaarde onderdelen gedownload als my-intervision-progress.json.",
    "js.nothing_deleted": "Er is niets verwijderd.",
    "js.deleted_one": "{n} bewaard onderdeel uit deze browser verwijderd: je voortgang begint "
    "opnieuw.",
    "js.deleted_other": "{n} bewaarde onderdelen uit deze browser verwijderd: je voortgang begint "
    "opnieuw.",
    "js.saved": "Bewaard in deze browser.",
    "js.type_answer": "Typ je antwoord: het wordt tijdens het schrijven in deze browser bewaard.",
    "js.my_reflections": "Mijn reflecties: {course}",
    "js.no_reflections": "Je hebt in deze browser nog geen reflecties bewaard.",
    "js.choose_many": "Kies minstens één antwoord en controleer dan.",
    "js.choose_one": "Kies een antwoord en controleer dan.",
    "js.another_right": "Er is nog een juist antwoord dat je niet hebt gekozen.",
    "js.correct": "Juist.",
    "js.not_quite": "Niet helemaal.",
    "js.try_again": "Lees de feedback, pas je antwoord aan en controleer opnieuw.",
    "card.silent": "Inbrenger zwijgt",
    "card.may_speak": "Mag spreken",
    "card.title": "{name}: fase- en rolkaarten",
    "card.actions": '<a href="{pdf}" download>De kaarten\n'
    "als pdf downloaden</a> · Druk deze pagina af: de fasekaart past op één A4, de rolkaarten "
    "volgen.\n"
    'Gemaakt uit de gegevens van de methode, net als de <a href="{method}">pagina\n'
    "over de methode</a>.",
    "card.phase_card": "Fasekaart: {name}",
    "card.meta": "{low}–{high} personen ·\n"
    "ongeveer {time} · de inbrenger beslist wat hij of zij met de\n"
    "hulp doet.",
    "card.caption": "Fasen van {name} met minuten, wie spreekt, of\n"
    "de inbrenger zwijgt, en het doel met de vragen van de gespreksleider",
    "card.head": (
        '<th scope="col">Fase</th><th scope="col">Min</th><th scope="col">Wie spreekt</th>\n'
        '<th scope="col">Inbrenger</th><th scope="col">Doel en vragen van de '
        "gespreksleider</th>"
    ),
    "card.footer": "Raakt een casus aan een meldplicht? Stop de ronde en volg het\n"
    '<a href="{escalation}">escalatieschema</a>. Is iemand van streek? Pauzeer en bied een '
    "keuze\n"
    '(<a href="{distress}">protocol bij emotionele nood</a>).',
    "card.roles": "Rolkaarten: {name}",
    "card.listen": (
        "<strong>Alleen luisteren in:</strong> {phases}. Maak aantekeningen als je wilt; daarna "
        "ben jij aan de beurt."
    ),
    "card.role_label": "Rolkaart: {name}",
    "card.speak_in": "<strong>Je spreekt in:</strong> {phases}.",
    "card.no_phase": "geen fase",
    "card.everyone": "Iedereen",
    "card.nobody": "Niemand",
    "card.list_item": "fasekaart en {n} rolkaarten",
}

DE: dict[str, str] = {
    "hour": "{n} Stunde",
    "hours": "{n} Stunden",
    "minute": "{n} Minute",
    "minutes": "{n} Minuten",
    "level.introductory": "Einführung",
    "level.intermediate": "Fortgeschritten",
    "level.advanced": "Vertiefung",
    "overview.nav": "Übersicht",
    "modules.nav": "Module",
    "methods.nav": "Methoden",
    "overview.total": "**{count} Module, insgesamt etwa {time} Lernzeit{split}.** "
    "Bearbeiten Sie sie der Reihe nach oder beginnen Sie dort, wo die Voraussetzungen es "
    "erlauben.",
    "overview.modules": "Module",
    "section.title": "Module {first}–{last}",
    "section.total": "**{count} Module von *{course}*, etwa {time} Lernzeit.**",
    "section.intro": "Die Module sind in Teile gegliedert; die Seite jedes Teils nennt seine "
    "Module, was Sie danach können, und Ihren Fortschritt.",
    "section.table": "| Teil | Erstes Modul | Lernzeit |",
    "about": "etwa {time}",
    "split": "{alone} Selbststudium, {together} in der Gruppe",
    "after_module": "Nach diesem Modul können Sie:",
    "take_first": "Vorher bearbeiten: {modules}",
    "take_first.none": "nichts; ein guter Einstieg.",
    "progress.text": "0 von {count} Modulen erledigt",
    "progress.label": "Erledigte Module",
    "progress.export": "Meinen Fortschritt und meine Reflexionen herunterladen (JSON)",
    "progress.reset": "Meinen Fortschritt zurücksetzen…",
    "progress.reset_question": "Ihre Erledigt-Markierungen, Antworten auf die Selbsttests und "
    "Reflexionen zu diesem Kurs aus diesem Browser löschen? Das lässt sich nicht rückgängig "
    "machen: Laden Sie sie zuerst herunter, wenn Sie sie behalten möchten.",
    "progress.reset_confirm": "Ja, löschen",
    "progress.reset_cancel": "Abbrechen",
    "method.also_known_as": "Auch bekannt als: {names}",
    "method.facts": "**Gruppengröße:** {low} bis {high} Personen · **Dauer:** etwa {time}",
    "method.roles": "Rollen",
    "method.phases": "Phasen",
    "method.evidence": "Was über die Wirkung bekannt ist",
    "method.sources": "Quellen",
    "selfcheck.kicker": "Selbsttest",
    "selfcheck.one": "Wählen Sie eine Antwort.",
    "selfcheck.many": "Wählen Sie alle zutreffenden Antworten.",
    "selfcheck.check": "Antwort prüfen",
    "selfcheck.right": "Richtige Antwort.",
    "selfcheck.wrong": "Nicht richtig.",
    "selfcheck.feedback": "Rückmeldung zu dieser Antwort",
    "reflection.kicker": "Reflexion",
    "reflection.label": "Ihre Reflexion (bleibt nur in diesem Browser)",
    "reflection.no_script": "Ihr Browser führt die Skripte dieser Seite nicht aus, daher wird "
    "dieser Text nicht gespeichert: Kopieren Sie ihn an einen sicheren Ort, bevor Sie die "
    "Seite verlassen.",
    "reflection.print": "Alle meine Reflexionen drucken",
    "reflection.download": "Alle meine Reflexionen herunterladen",
    "timeline.summary": "{steps} Schritte, insgesamt {total} Minuten, für Gruppen von {low} "
    "bis {high} Personen.",
    "timeline.minutes": "{n} Min.",
    "timeline.silent": "Fallgebende Person schweigt: hört nur zu",
    "timeline.may_speak": "Darf sprechen",
    "timeline.prompts": "Impulsfragen",
    "timeline.who": "Wer spricht",
    "timeline.case_bringer": "Fallgebende Person",
    "timeline.write": "Im Tool schreiben",
    "timeline.everyone": "Alle",
    "timeline.everyone_but": "Alle außer der fallgebenden Person",
    "timeline.nobody": "Niemand (Stille)",
    "contribution.none": "Nichts zu schreiben",
    "contribution.case": "Der Fall",
    "contribution.question": "Fragen",
    "contribution.answer": "Antworten",
    "contribution.key-question": "Die Schlüsselfrage",
    "contribution.hypothesis": "Hypothesen",
    "contribution.advice": "Lösungsideen",
    "contribution.reflection": "Eine Reflexion",
    "activity.signup": "Anmeldeaktivität",
    "activity.peer-feedback": "Übung mit Rückmeldungen der Beratenden",
    "activity.other": "Aktivität",
    "activity.in_tool": "Diese Aktivität läuft im Intervisions-Tool der Lernplattform Ihres "
    "Kurses.",
    "activity.elsewhere": "Diese Aktivität findet auf der Lernplattform Ihres Kurses statt "
    "(Moodle oder Canvas), nicht auf dieser öffentlichen Seite. Öffnen Sie dort Ihren Kurs und "
    "wählen Sie „{title}“ in diesem Modul.",
    "activity.open": "„{title}“ öffnen",
    "module.about": "Über dieses Modul",
    "module.study": "etwa {n} Minuten Lernzeit",
    "module.done": "Dieses Modul als erledigt markieren",
    "module.nav": "Vorheriges und nächstes Modul",
    "module.previous": "Vorheriges Modul: ",
    "module.next": "Nächstes Modul: ",
    "module.overview": "Kursübersicht",
    "module.back": "Zurück zur Kursübersicht",
    "untranslated.title": "Noch nicht übersetzt",
    "untranslated.text": "Diese Seite ist noch nicht übersetzt; Sie lesen das englische Original.",
    "kit.nav": "Trainer-Kit",
    "kit.overview": "Übersicht",
    "kit.cards": "Phasen- und Rollenkarten",
    "kit.facilitator": "Moderationsleitfaden",
    "kit.sessions": "Die Sitzungen leiten",
    "js.storage_blocked": "Speichern nicht möglich: Dieser Browser blockiert hier den lokalen "
    "Speicher.",
    "js.storage_full": "Speichern nicht möglich: Der Speicher dieses Browsers für diese Seite ist "
    "voll.",
    "js.storage_copy": "Kopieren Sie Ihren Text an einen sicheren Ort.",
    "js.search": "Suche",
    "js.table": "Tabelle (auf kleinen Bildschirmen seitlich scrollbar)",
    "js.done_undo": "Erledigt – zum Rückgängigmachen erneut drücken",
    "js.done_status": "Sie haben dieses Modul als erledigt markiert; dieser Browser merkt es "
    "sich. Machen Sie mit dem nächsten Modul unten weiter.",
    "js.done_badge": "Erledigt",
    "js.progress_one": "{done} von {total} Modul erledigt",
    "js.progress_other": "{done} von {total} Modulen erledigt",
    "js.downloaded_one": "{n} gespeicherter Eintrag als my-intervision-progress.json "
    "heruntergeladen.",
    "js.downloaded_other": "{n} gespeicherte Einträge als my-intervision-progress.json "
    "heruntergeladen.",
    "js.nothing_deleted": "Es wurde nichts gelöscht.",
    "js.deleted_one": "{n} gespeicherter Eintrag aus diesem Browser gelöscht: Ihr Fortschritt "
    "beginnt von vorn.",
    "js.deleted_other": "{n} gespeicherte Einträge aus diesem Browser gelöscht: Ihr Fortschritt "
    "beginnt von vorn.",
    "js.saved": "In diesem Browser gespeichert.",
    "js.type_answer": "Schreiben Sie Ihre Antwort: Sie wird beim Schreiben in diesem Browser "
    "gespeichert.",
    "js.my_reflections": "Meine Reflexionen: {course}",
    "js.no_reflections": "Sie haben in diesem Browser noch keine Reflexionen gespeichert.",
    "js.choose_many": "Wählen Sie mindestens eine Antwort und prüfen Sie dann.",
    "js.choose_one": "Wählen Sie eine Antwort und prüfen Sie dann.",
    "js.another_right": "Eine weitere richtige Antwort ist noch nicht gewählt.",
    "js.correct": "Richtig.",
    "js.not_quite": "Nicht ganz.",
    "js.try_again": "Lesen Sie die Rückmeldung, ändern Sie Ihre Antwort und prüfen Sie erneut.",
    "card.silent": "Fallgebende Person schweigt",
    "card.may_speak": "Darf sprechen",
    "card.title": "{name}: Phasen- und Rollenkarten",
    "card.actions": '<a href="{pdf}" download>Die Karten\n'
    "als PDF herunterladen</a> · Drucken Sie diese Seite: Die Phasenkarte passt auf eine "
    "A4-Seite, die Rollenkarten folgen.\n"
    'Erzeugt aus den Daten der Methode, wie die <a href="{method}">Seite\n'
    "zur Methode</a>.",
    "card.phase_card": "Phasenkarte: {name}",
    "card.meta": "{low}–{high} Personen ·\n"
    "etwa {time} · die fallgebende Person entscheidet, was sie mit der\n"
    "Hilfe macht.",
    "card.caption": "Phasen von {name} mit Minuten, wer spricht, ob\n"
    "die fallgebende Person schweigt, und das Ziel mit den Impulsen der Moderation",
    "card.head": '<th scope="col">Phase</th><th scope="col">Min.</th><th scope="col">Wer '
    "spricht</th>\n"
    '<th scope="col">Fallgebende Person</th><th scope="col">Ziel und Impulse der '
    "Moderation</th>",
    "card.footer": "Berührt ein Fall eine Meldepflicht? Beenden Sie die Runde und folgen Sie dem\n"
    '<a href="{escalation}">Eskalationsschema</a>. Ist jemand aufgewühlt? Pausieren Sie und '
    "bieten Sie eine Wahl an\n"
    '(<a href="{distress}">Protokoll bei Belastung</a>).',
    "card.roles": "Rollenkarten: {name}",
    "card.listen": (
        "<strong>Nur zuhören in:</strong> {phases}. Machen Sie sich gern Notizen; danach sind Sie "
        "an der Reihe."
    ),
    "card.role_label": "Rollenkarte: {name}",
    "card.speak_in": "<strong>Sie sprechen in:</strong> {phases}.",
    "card.no_phase": "keiner Phase",
    "card.everyone": "Alle",
    "card.nobody": "Niemand",
    "card.list_item": "Phasenkarte und {n} Rollenkarten",
}

SCRIPT_KEYS = (*(key for key in EN if key.startswith("js.")), "activity.in_tool", "module.done")
"""What the iv-*.js scripts say (IV.t): written into translated pages as JSON."""

TEXTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"en": MappingProxyType(EN), "nl": MappingProxyType(NL), "de": MappingProxyType(DE)}
)
OWN_VERDICT_WORDS = {
    "en": r"right|correct|yes|no|not quite|not right|not really|wrong|partly|too \w+",
    "nl": r"juist|goed|klopt|ja|nee|niet helemaal|niet juist|onjuist|fout|deels|te \w+",
    "de": r"richtig|genau|ja|nein|nicht ganz|nicht richtig|falsch|teilweise|zu \w+",
}
"""Feedback that opens with one of these gives its own verdict (see block_html)."""


def texts(language: str) -> Mapping[str, str]:
    """The builder's words in `language` (English when the language has none)."""
    return TEXTS.get(language, TEXTS["en"])


def t(language: str, key: str, **values: object) -> str:
    """One text in `language`, filled with `values`."""
    return texts(language)[key].format(**values) if values else texts(language)[key]


def format_minutes(minutes: int, language: str = "en") -> str:
    """'45 minutes', '1 hour', '14 hours 30 minutes' (and in Dutch, German): read aloud."""
    hours, rest = divmod(minutes, 60)
    parts: list[str] = []
    if hours:
        parts.append(t(language, "hour" if hours == 1 else "hours", n=hours))
    if rest or not hours:
        parts.append(t(language, "minute" if rest == 1 else "minutes", n=rest))
    return " ".join(parts)


def script_texts_json(language: str) -> str:
    """The scripts' words as JSON for <script type="application/json">: "<" is escaped, so
    no text can close the element."""
    words = {key: texts(language)[key] for key in SCRIPT_KEYS}
    return json.dumps(words, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
