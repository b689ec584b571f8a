#!/usr/bin/python3
"""Makes a random COCO detection case for the mAP cross-check: 3 sparse category ids, crowd
regions, jittered/duplicated/wrong-class/background detections, scores rounded to create ties,
and one image with 130 detections of one category (maxDets). Usage:
    make_case.py SEED OUT_PREFIX [IMAGES]   -> OUT_PREFIX_gt.json, OUT_PREFIX_dt.json
The committed case: make_case.py 7 random 16 (renamed annotations.json / detections.json)."""
import json, random, sys
seed = int(sys.argv[1]); out = sys.argv[2]
rng = random.Random(seed)
cats = [1, 4, 9]
images, anns, dets = [], [], []
aid = 1
for img in range(1, (int(sys.argv[3]) if len(sys.argv) > 3 else 31 + rng.randint(0, 10)) + 1):
    W, H = 640, 480
    images.append({'id': img * 3, 'file_name': f'{img}.jpg', 'width': W, 'height': H})
    for _ in range(rng.randint(0, 6)):
        c = rng.choice(cats)
        w = round(rng.uniform(4, 200), 1); h = round(rng.uniform(4, 200), 1)
        x = round(rng.uniform(0, W - w), 1); y = round(rng.uniform(0, H - h), 1)
        crowd = 1 if rng.random() < 0.08 else 0
        anns.append({'id': aid, 'image_id': img * 3, 'category_id': c, 'bbox': [x, y, w, h], 'area': w * h, 'iscrowd': crowd})
        aid += 1
        for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
            j = rng.choice([0.0, 0.02, 0.05, 0.1, 0.2, 0.4])
            dc = c if rng.random() > 0.1 else rng.choice(cats)
            bx = [x + rng.uniform(-j, j) * w, y + rng.uniform(-j, j) * h, w * (1 + rng.uniform(-j, j)), h * (1 + rng.uniform(-j, j))]
            dets.append({'image_id': img * 3, 'category_id': dc, 'bbox': [round(v, 2) for v in bx], 'score': round(rng.random(), 2)})
    for _ in range(rng.randint(0, 4)):
        w = rng.uniform(4, 200); h = rng.uniform(4, 200)
        dets.append({'image_id': img * 3, 'category_id': rng.choice(cats), 'bbox': [round(rng.uniform(0, W - w), 2), round(rng.uniform(0, H - h), 2), round(w, 2), round(h, 2)], 'score': round(rng.random(), 2)})
# One image crowded with > 100 detections of one category (maxDets), some of them right.
big = images[0]['id']
for i in range(130):
    dets.append({'image_id': big, 'category_id': 4, 'bbox': [rng.uniform(0, 600), rng.uniform(0, 400), 30, 30], 'score': round(rng.random(), 3)})
json.dump({'images': images, 'annotations': anns, 'categories': [{'id': c, 'name': f'c{c}'} for c in cats]}, open(out + '_gt.json', 'w'))
json.dump(dets, open(out + '_dt.json', 'w'))
