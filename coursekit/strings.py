"""Words the machinery adds to pages and notebooks, in each language of the site."""

STRINGS = {
    "en": {
        "continues": "Continues the code above.",
        "notebook_title": "{title} — notebook",
        "notebook_intro": "This notebook holds all the code of the chapter, in page order. It runs top to bottom "
                          "on a CPU, and on a GPU when one is available (on Kaggle: Settings → Accelerator).",
        "tip_title": "Notebook",
        "tip_text": "All the code of this chapter runs top to bottom as one notebook.",
        "open_kaggle": "Open in Kaggle",
        "view_notebook": "Read the notebook",
        "download": "Download the .ipynb",
        "import_kaggle": "To run it on Kaggle, create a notebook there and choose File → Import Notebook.",
        "stale_title": "Translation behind the English version",
        "stale_text": "The English text of this section has changed since it was translated. "
                      "[Read the English section]({url}).",
    },
    "fr": {
        "continues": "Suite du code précédent.",
        "notebook_title": "{title} — notebook",
        "notebook_intro": "Ce notebook contient tout le code du chapitre, dans l'ordre de la page. Il s'exécute "
                          "de haut en bas sur un CPU, et sur un GPU s'il y en a un (sur Kaggle : Settings → "
                          "Accelerator). Ses figures sont celles que trace le code lui-même : leurs légendes "
                          "restent en anglais.",
        "tip_title": "Notebook",
        "tip_text": "Tout le code de ce chapitre s'exécute de bout en bout dans un seul notebook.",
        "open_kaggle": "Ouvrir dans Kaggle",
        "view_notebook": "Lire le notebook",
        "download": "Télécharger le .ipynb",
        "import_kaggle": "Pour l'exécuter sur Kaggle, créez-y un notebook puis choisissez File → Import Notebook.",
        "stale_title": "Traduction en retard sur la version anglaise",
        "stale_text": "Le texte anglais de cette section a changé depuis sa traduction. "
                      "[Lire la section en anglais]({url}).",
    },
    "zh": {
        "continues": "接续上面的代码。",
        "notebook_title": "{title}——Jupyter 笔记本",
        "notebook_intro": "本 Jupyter 笔记本按页面顺序收录了本章的全部代码，可以从头到尾运行：默认使用 CPU，"
                          "有 GPU 时自动使用 GPU（在 Kaggle 上：Settings → Accelerator）。"
                          "其中的图由代码本身绘制，因此图中的文字仍为英文。",
        "tip_title": "笔记本",
        "tip_text": "本章的全部代码可以在一个笔记本中从头到尾运行。",
        "open_kaggle": "在 Kaggle 中打开",
        "view_notebook": "阅读笔记本",
        "download": "下载 .ipynb",
        "import_kaggle": "若要在 Kaggle 上运行：在 Kaggle 新建笔记本，然后选择 File → Import Notebook。",
        "stale_title": "译文落后于英文版",
        "stale_text": "本节的英文原文在翻译之后有改动。[阅读英文原文]({url})。",
    },
}


def text(language: str, key: str, **values) -> str:
    return STRINGS[language][key].format(**values)
