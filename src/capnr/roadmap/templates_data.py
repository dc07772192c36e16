"""The six usual working groups of a responsible IT programme (from the seed testimony)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupTemplate:
    key: str
    name_fr: str
    name_en: str
    mission_fr: str
    mission_en: str

    def name(self, english: bool) -> str:
        return self.name_en if english else self.name_fr

    def mission(self, english: bool) -> str:
        return self.mission_en if english else self.mission_fr


TEMPLATES = (
    GroupTemplate(
        "quality",
        "Le NR dans la démarche qualité",
        "Responsible IT in the quality process",
        "Inscrire les engagements numériques responsables dans les procédures, les revues de "
        "direction et les indicateurs qualité existants.",
        "Write the responsible IT commitments into the existing procedures, management reviews "
        "and quality indicators.",
    ),
    GroupTemplate(
        "data",
        "Gestion des données",
        "Data management",
        "Trier, archiver et supprimer ce qui n'a plus à être conservé, en lien avec le RGPD et "
        "les archives.",
        "Sort, archive and delete what no longer needs keeping, with data protection and the "
        "archives.",
    ),
    GroupTemplate(
        "communication",
        "Communication",
        "Communication",
        "Faire connaître la démarche, ses résultats et les bons gestes, en interne et à "
        "l'extérieur.",
        "Make the programme, its results and good habits known, inside and outside.",
    ),
    GroupTemplate(
        "training",
        "Formation et sensibilisation",
        "Training and awareness",
        "Former les agents, y compris ceux qui utilisent peu le numérique, et les nouveaux "
        "arrivants.",
        "Train staff, including those who rarely use digital tools, and newcomers.",
    ),
    GroupTemplate(
        "equipment",
        "Équipements",
        "Equipment",
        "Garder les équipements plus longtemps, en acheter moins, reconditionnés quand c'est "
        "possible, et leur donner une seconde vie.",
        "Keep devices longer, buy fewer and refurbished where possible, and give them a second "
        "life.",
    ),
    GroupTemplate(
        "accessibility",
        "Accessibilité",
        "Accessibility",
        "Rendre les sites et outils internes accessibles et tenir à jour les déclarations "
        "d'accessibilité.",
        "Make websites and internal tools accessible and keep the accessibility statements up "
        "to date.",
    ),
)

GROUP_TEMPLATES = {template.key: template for template in TEMPLATES}
